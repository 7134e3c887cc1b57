namespace Alliance.Live.Benchmarks;

/// <summary>
/// Counts the database commands the server logs (EF Core's <c>Executed DbCommand</c>, Information on
/// <c>Microsoft.EntityFrameworkCore.Database.Command</c>, the console logger's simple format) and the statements in
/// them: a line of the command's SQL at the message's own indent (6 spaces) that starts with a verb is one statement
/// (EF batches several INSERTs/UPDATEs in one command; sub-queries are indented further). Inserts are also counted by
/// table, so the outbox rows (one bus message each) and the rows a submission writes can be read off; a SELECT by the
/// table of its own FROM line (the first at the statement's indent), so the reads can be told apart too.
/// Not counted: commands that do not go through EF Core's command logging (the workflow store's own prepared commands,
/// <c>StoreSession</c>), and transaction begin/commit.
/// </summary>
internal sealed class StatementCounter
{
    private static readonly string[] Verbs = ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "PRAGMA"];
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private bool _inCommand;
    private bool _selectWithoutTable;

    public void Read(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (line.Contains("Executed DbCommand", StringComparison.Ordinal))
            {
                Add("commands");
                _inCommand = true;
                _selectWithoutTable = false;
                return;
            }

            if (!line.StartsWith("      ", StringComparison.Ordinal))
            {
                _inCommand = false; // the next log entry's header
                return;
            }

            if (!_inCommand || line.Length < 7 || line[6] == ' ')
            {
                return;
            }

            var sql = line.AsSpan(6);
            if (_selectWithoutTable && sql.StartsWith("FROM ", StringComparison.Ordinal))
            {
                Add("SELECT " + sql["FROM ".Length..].ToString().Split(' ', 2)[0].Trim('"'));
                _selectWithoutTable = false;
                return;
            }

            foreach (var verb in Verbs)
            {
                if (sql.StartsWith(verb, StringComparison.Ordinal))
                {
                    Add("statements");
                    Add(verb);
                    _selectWithoutTable = verb == "SELECT";
                    if (verb == "INSERT")
                    {
                        var table = sql["INSERT INTO ".Length..].ToString().Split(' ', 2)[0].Trim('"');
                        Add("INSERT " + table);
                    }
                    else if (verb == "UPDATE")
                    {
                        Add("UPDATE " + sql["UPDATE ".Length..].ToString().Split(' ', 2)[0].Trim('"'));
                    }

                    return;
                }
            }
        }
    }

    public Dictionary<string, long> Snapshot()
    {
        lock (_gate)
        {
            return new Dictionary<string, long>(_counts, StringComparer.Ordinal);
        }
    }

    /// <summary>Counts per action between two snapshots, largest first: "commands 12.0, statements 14.0, SELECT 8.0, …".</summary>
    public static string PerAction(Dictionary<string, long> before, Dictionary<string, long> after, int actions) =>
        string.Join(", ", after
            .Select(p => (p.Key, Count: p.Value - before.GetValueOrDefault(p.Key)))
            .Where(p => p.Count > 0)
            .OrderBy(p => p.Key switch { "commands" => 0, "statements" => 1, _ => p.Key.Contains(' ', StringComparison.Ordinal) ? 3 : 2 })
            .ThenByDescending(p => p.Count)
            .Select(p => $"{p.Key} {(double)p.Count / Math.Max(1, actions):F2}"));

    private void Add(string key) => _counts[key] = _counts.GetValueOrDefault(key) + 1;
}
