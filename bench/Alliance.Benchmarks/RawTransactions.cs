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
    public static async Task<Measurement> RunAsync(Target target, int workers, TimeSpan warmUp, TimeSpan duration)
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

        var connections = new DbConnection[workers];
        for (var w = 0; w < workers; w++)
        {
            connections[w] = target.Open();
        }

        try
        {
            return await Loop.RunAsync("raw update+insert transaction", workers, warmUp, duration, w => async () =>
            {
                var connection = connections[w];
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
            });
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task ExecAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The database a benchmark runs on. <see cref="Synchronous"/> is SQLite's <c>PRAGMA synchronous</c> for every connection, raw and EF alike.</summary>
internal sealed record Target(string Provider, string ConnectionString, string Synchronous = "FULL")
{
    /// <summary>The pragmas every SQLite connection of the raw loop gets (WAL is persistent; synchronous is per connection).</summary>
    public string SqlitePragmas => $"PRAGMA journal_mode=WAL; PRAGMA synchronous={Synchronous}; PRAGMA busy_timeout=5000;";

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
            pragma.CommandText = SqlitePragmas;
            pragma.ExecuteNonQuery();
        }

        return connection;
    }
}
