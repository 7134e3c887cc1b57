using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Alliance.Benchmarks;

/// <summary>
/// The machine's raw limit on the same database: a loop of bare transactions, each one UPDATE of a state row plus
/// one INSERT of a journal row, the minimum a persisted workflow step must write.
/// </summary>
internal static class RawTransactions
{
    public static async Task<Measurement> RunAsync(Target target, int workers, TimeSpan duration)
    {
        await using (var setup = target.Open())
        {
            await ExecAsync(setup, "DROP TABLE IF EXISTS raw_journal");
            await ExecAsync(setup, "DROP TABLE IF EXISTS raw_state");
            await ExecAsync(setup, "CREATE TABLE raw_state (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL, body TEXT NOT NULL)");
            await ExecAsync(setup, "CREATE TABLE raw_journal (id TEXT PRIMARY KEY, state_id INTEGER NOT NULL, at TEXT NOT NULL, outcome TEXT NOT NULL)");
            for (var i = 0; i < workers; i++)
            {
                await ExecAsync(setup, $"INSERT INTO raw_state (id, counter, body) VALUES ({i}, 0, '{{\"count\":0}}')");
            }
        }

        var latencies = new List<double>[workers];
        var stop = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            latencies[w] = [];
            await using var connection = target.Open();
            while (stop.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await using var tx = await connection.BeginTransactionAsync();
                await using (var update = connection.CreateCommand())
                {
                    update.Transaction = tx;
                    update.CommandText = $"UPDATE raw_state SET counter = counter + 1, body = '{{\"count\":1}}' WHERE id = {w}";
                    await update.ExecuteNonQueryAsync();
                }

                await using (var insert = connection.CreateCommand())
                {
                    insert.Transaction = tx;
                    insert.CommandText = $"INSERT INTO raw_journal (id, state_id, at, outcome) VALUES ('{Guid.NewGuid():N}', {w}, '{DateTime.UtcNow:O}', 'done')";
                    await insert.ExecuteNonQueryAsync();
                }

                await tx.CommitAsync();
                latencies[w].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var all = latencies.SelectMany(l => l).ToArray();
        return new Measurement("raw update+insert transaction", workers, all.Length, stop.Elapsed, all);
    }

    private static async Task ExecAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The database a benchmark runs on.</summary>
internal sealed record Target(string Provider, string ConnectionString)
{
    /// <summary>On PostgreSQL, creates the named database when it does not exist yet.</summary>
    public async Task EnsureDatabaseAsync()
    {
        if (Provider != "postgres")
        {
            return;
        }

        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        var name = builder.Database;
        builder.Database = "postgres";
        await using var admin = new NpgsqlConnection(builder.ConnectionString);
        await admin.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin);
        exists.Parameters.AddWithValue("name", name!);
        if (await exists.ExecuteScalarAsync() is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
    }

    public DbConnection Open()
    {
        DbConnection connection = Provider == "sqlite" ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        connection.Open();
        if (connection is SqliteConnection)
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;";
            pragma.ExecuteNonQuery();
        }

        return connection;
    }
}
