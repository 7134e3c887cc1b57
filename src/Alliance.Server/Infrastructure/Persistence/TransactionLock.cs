using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Infrastructure.Persistence;

/// <summary>A named lock held until the current transaction ends, so that one node at a time does a piece of work.</summary>
public static class TransactionLock
{
    /// <summary>
    /// PostgreSQL: a transaction-scoped advisory lock on <paramref name="key"/> (held by one node at a time). SQLite: nothing
    /// to take, its write transactions already hold its single write lock.
    /// </summary>
    public static async Task TakeAsync(AllianceDbContext db, long key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", cancellationToken);
        }
    }
}
