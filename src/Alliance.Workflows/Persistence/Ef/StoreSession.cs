using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Workflows.Persistence.Ef;

/// <summary>
/// A long-lived context and open connection of the store, rented by one caller at a time for the hot path (the
/// group-commit writer, the first read of a delivery): no context rent, connection open or SQLite function registration
/// per call. Each distinct statement text run on its own gets one command, prepared on first use and re-run with new
/// parameter values afterwards, so the database parses each statement shape once per session. Dropped after any error.
/// </summary>
internal sealed class StoreSession : IAsyncDisposable
{
    private const int MaxPreparedCommands = 256;
    private readonly Dictionary<string, DbCommand> _prepared = new(StringComparer.Ordinal);
    private readonly DbCommand _factory;

    private StoreSession(DbContext context, DbConnection connection)
    {
        Context = context;
        Connection = connection;
        _factory = connection.CreateCommand();
    }

    /// <summary>The session's context: its connection stays open, so EF queries on it run on <see cref="Connection"/>.</summary>
    public DbContext Context { get; }

    public DbConnection Connection { get; }

    public static async Task<StoreSession> OpenAsync(DbContext context)
    {
        try
        {
            await context.Database.OpenConnectionAsync();
            return new StoreSession(context, context.Database.GetDbConnection());
        }
        catch
        {
            await context.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs one statement (a prepared command per statement text); returns the rows it touched.</summary>
    public Task<int> ExecuteAsync(EfCommitWriter.Statement statement, DbTransaction? transaction)
    {
        var command = Prepared(statement, transaction);
        return command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs one query (a prepared command per statement text) and reads the first column of every row as a <see cref="Guid"/>.</summary>
    public async Task<List<Guid>> GuidsAsync(EfCommitWriter.Statement statement, CancellationToken cancellationToken)
    {
        var command = Prepared(statement, null);
        var values = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetFieldValue<Guid>(0));
        }

        return values;
    }

    /// <summary>Runs one query (a prepared command per statement text) and reads the first column of every row as an int.</summary>
    public async Task<List<int>> IntsAsync(EfCommitWriter.Statement statement, DbTransaction? transaction = null)
    {
        var command = Prepared(statement, transaction);
        var values = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return values;
    }

    /// <summary>Runs the statements in one ADO.NET batch (one round trip); returns the rows each touched.</summary>
    public async Task<int[]> ExecuteBatchAsync(IReadOnlyList<EfCommitWriter.Statement> statements)
    {
        await using var batch = Batch(statements);
        await batch.ExecuteNonQueryAsync();
        var rows = new int[statements.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = batch.BatchCommands[i].RecordsAffected;
        }

        return rows;
    }

    /// <summary>Runs the statements in one ADO.NET batch (one round trip) and reads the first column of every row they return as an int.</summary>
    public async Task<List<int>> BatchIntsAsync(IReadOnlyList<EfCommitWriter.Statement> statements)
    {
        var values = new List<int>();
        await using var batch = Batch(statements);
        await using var reader = await batch.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync())
            {
                values.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        while (await reader.NextResultAsync());
        return values;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _prepared.Values)
        {
            await command.DisposeAsync();
        }

        _prepared.Clear();
        await _factory.DisposeAsync();
        await Context.DisposeAsync(); // closes the connection EF opened
    }

    private DbBatch Batch(IReadOnlyList<EfCommitWriter.Statement> statements)
    {
        var batch = Connection.CreateBatch();
        foreach (var statement in statements)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = statement.Sql;
            for (var i = 0; i < statement.Values.Length; i++)
            {
                command.Parameters.Add(statement.CreateParameter(_factory, i));
            }

            batch.BatchCommands.Add(command);
        }

        return batch;
    }

    private DbCommand Prepared(EfCommitWriter.Statement statement, DbTransaction? transaction)
    {
        if (!_prepared.TryGetValue(statement.Sql, out var command))
        {
            if (_prepared.Count >= MaxPreparedCommands)
            {
                foreach (var old in _prepared.Values)
                {
                    old.Dispose();
                }

                _prepared.Clear();
            }

            command = Connection.CreateCommand();
            command.CommandText = statement.Sql;
            command.Transaction = transaction;
            for (var i = 0; i < statement.Values.Length; i++)
            {
                command.Parameters.Add(statement.CreateParameter(command, i));
            }

            command.Prepare(); // parsed (and on PostgreSQL planned) here, once; later runs only bind new values
            _prepared[statement.Sql] = command;
            return command;
        }

        // Same text, same columns, same type mappings: only the values change. The parameter objects stay (a prepared
        // Npgsql command keeps binding the ones it was prepared with), and no new parameter is made.
        command.Transaction = transaction;
        var parameters = command.Parameters;
        for (var i = 0; i < statement.Values.Length; i++)
        {
            parameters[i].Value = statement.ProviderValue(i);
        }

        return command;
    }
}
