using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Audit;

/// <summary>
/// Links committed, unsealed audit entries into the hash chain, a batch at a time in one short transaction: reads
/// the head, gives each entry (in insertion order) the next sequence, the previous hash and its hash. Sealing is
/// serialised across nodes, and only sealing: on PostgreSQL by a transaction-scoped advisory lock taken by the
/// sealer's own transaction, on SQLite by its single writer (<c>BEGIN IMMEDIATE</c>). Unique indexes on
/// <see cref="AuditEntry.Sequence"/> and <see cref="AuditEntry.PreviousHash"/> are the last guard: a fork cannot be stored.
/// </summary>
public sealed class AuditSealer(IServiceScopeFactory scopes)
{
    /// <summary>The advisory lock key that serialises sealing on PostgreSQL ("audit" in ASCII).</summary>
    public const long ChainLockKey = 0x6175646974;

    /// <summary>Entries sealed per transaction at most.</summary>
    public const int BatchSize = 500;

    /// <summary>
    /// How long an entry may wait for its seal before verification reports it. The sealer is woken by the commit and
    /// polls every second, so only a stopped sealer (every node down or failing) or a row written around the
    /// application waits this long.
    /// </summary>
    public static readonly TimeSpan OverdueAfter = TimeSpan.FromMinutes(1);

    /// <summary>Seals up to <see cref="BatchSize"/> entries; returns how many.</summary>
    public async Task<int> SealAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();

        // Look first without a lock or a write transaction, so that an idle poll costs one indexed read.
        if (!await db.AuditEntries.AnyAsync(e => e.Sequence == null, cancellationToken))
        {
            return 0;
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async cancel =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancel);
            await TransactionLock.TakeAsync(db, ChainLockKey, cancel);
            var batch = await db.AuditEntries.Where(e => e.Sequence == null).OrderBy(e => e.Id).Take(BatchSize).ToListAsync(cancel);
            if (batch.Count == 0)
            {
                return 0; // another node sealed them while this one waited for the lock
            }

            var head = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence != null)
                .OrderByDescending(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancel);
            var sequence = head?.Sequence ?? 0;
            var previous = head?.Hash ?? AuditEntry.GenesisHash;
            foreach (var entry in batch)
            {
                entry.Seal(++sequence, previous);
                previous = entry.Hash!;
            }

            await db.SaveChangesAsync(cancel);
            await transaction.CommitAsync(cancel);
            return batch.Count;
        }, cancellationToken);
    }
}

/// <summary>Wakes this node's <see cref="AuditSealLoop"/> when a commit wrote audit entries.</summary>
public sealed class AuditSealWakeUp : OutboxWakeUp;

/// <summary>Runs <see cref="AuditSealer"/> after every commit that wrote audit entries, and every second as the safety net.</summary>
public sealed class AuditSealLoop(AuditSealer sealer, AuditSealWakeUp wakeUp, ILogger<AuditSealLoop> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        HostOutboxDispatcher.RunLoopAsync(wakeUp, sealer.SealAsync, AuditSealer.BatchSize, logger, stoppingToken);
}
