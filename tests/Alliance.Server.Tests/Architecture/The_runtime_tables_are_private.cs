using System.Text.RegularExpressions;

namespace Alliance.Server.Tests.Architecture;

/// <summary>
/// The workflow runtime's tables (<c>wf_*</c>) are its own: the host's features read their own projections, or ask the
/// runtime (<c>WorkflowRuntime</c>), and never query the runtime's entities through EF or SQL.
/// </summary>
public sealed partial class The_runtime_tables_are_private
{
    [Fact]
    public void No_feature_queries_a_runtime_table()
    {
        var features = Path.Combine(RepositoryRoot(), "src", "Alliance.Server", "Features");
        var offences = Directory.EnumerateFiles(features, "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, number: i + 1)))
            .Where(x => RuntimeTableAccess().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(features, x.file)}:{x.number}: {x.line.Trim()}")
            .ToList();
        Assert.True(offences.Count == 0, "Features read the runtime's tables:\n" + string.Join('\n', offences));
    }

    [Fact]
    public void The_check_finds_a_query_of_a_runtime_table()
    {
        Assert.Matches(RuntimeTableAccess(), "var open = await db.Set<Bookmark>().Where(b => b.Kind == BookmarkKind.HumanTask)");
        Assert.Matches(RuntimeTableAccess(), "db.Database.SqlQueryRaw<int>(\"select count(*) from wf_instances\")");
        Assert.DoesNotMatch(RuntimeTableAccess(), "var tasks = await db.Set<ItemTask>().Where(t => t.ItemId == id)");
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Alliance.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Alliance.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"Set<(Bookmark|WorkflowInstance|JournalEntry|Incident|PendingStimulus|ProcessedStimulus)>|\bwf_[a-z_]+")]
    private static partial Regex RuntimeTableAccess();
}
