using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Alliance.Server.Infrastructure.Persistence;

/// <summary>
/// SQLite has one writer. A connection that finds the write lock taken gets SQLITE_BUSY at once unless it has a busy
/// timeout, and Microsoft.Data.Sqlite then blocks its thread for 150 ms (<c>Thread.Sleep(150)</c>) before it tries
/// again, however short the other writer's transaction was. The workflow store, the live feed, the notifications, the
/// outbox dispatcher and the audit sealer all write, so on a busy node a user's action waited whole 150 ms turns for
/// writes that take a millisecond or two. With <c>busy_timeout</c> set on every connection, SQLite waits inside the
/// statement and tries the lock again after 1, 2, 5, 10… ms (never more than 100 ms apart); Microsoft.Data.Sqlite's own
/// retry is only reached after the timeout.
/// </summary>
internal sealed class SqliteBusyWait : DbConnectionInterceptor
{
    /// <summary>How long a statement waits for the write lock inside SQLite before SQLITE_BUSY reaches the caller.</summary>
    public const int Milliseconds = 5_000;

    private static readonly string Pragma = $"PRAGMA busy_timeout = {Milliseconds};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
