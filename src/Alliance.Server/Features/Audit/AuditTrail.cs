using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Audit;

/// <summary>What one state-changing action did, for the audit trail.</summary>
/// <param name="Action">e.g. <c>organisation.updated</c>.</param>
/// <param name="EntityType">e.g. <c>organisation</c>.</param>
/// <param name="EntityId">The id of the changed thing.</param>
/// <param name="OnBehalfOf">The organisation the actor acted for.</param>
/// <param name="Before">A summary of the thing before (serialised to JSON); null when created.</param>
/// <param name="After">A summary of the thing after (serialised to JSON).</param>
public sealed record AuditRecord(string Action, string EntityType, string EntityId, OrganisationId? OnBehalfOf, object? Before, object? After);

/// <summary>
/// Saves a change together with its audit entry, in one transaction, with appends to the chain serialised:
/// on PostgreSQL by a transaction-scoped advisory lock (so that any number of server nodes append one after the
/// other), on SQLite by its single writer (<c>BEGIN IMMEDIATE</c>). A unique index on the previous hash is the
/// last guard: a fork cannot be stored.
/// </summary>
public sealed class AuditTrail(AllianceDbContext db, AccessScope scope, TimeProvider time)
{
    /// <summary>The advisory lock key that serialises appends on PostgreSQL ("audit" in ASCII).</summary>
    public const long ChainLockKey = 0x6175646974;

    internal static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string? Summarise(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), SummaryJson);

    /// <summary>
    /// Saves every tracked change and appends one entry describing it. Inside a transaction the caller already
    /// opened (through the execution strategy), it joins that transaction; otherwise it runs its own.
    /// </summary>
    public async Task<AuditEntry> SaveAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var before = Summarise(record.Before);
        var after = Summarise(record.After);
        var correlation = Activity.Current?.TraceId.ToHexString() is { } trace && trace != default(ActivityTraceId).ToHexString()
            ? trace
            : Guid.NewGuid().ToString("N");
        if (db.Database.CurrentTransaction is not null)
        {
            var joined = await AppendAsync(record, before, after, correlation, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return joined;
        }

        AuditEntry? entry = null;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async cancel =>
        {
            if (entry is not null)
            {
                db.Entry(entry).State = EntityState.Detached;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancel);
            entry = await AppendAsync(record, before, after, correlation, cancel);
            await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancel);
            await transaction.CommitAsync(cancel);
        }, cancellationToken);
        db.ChangeTracker.AcceptAllChanges();
        return entry!;
    }

    /// <summary>
    /// Takes the chain's lock for the rest of the current transaction: PostgreSQL's transaction-scoped advisory
    /// lock (held by one node at a time); SQLite's transactions already hold its single write lock.
    /// </summary>
    public static async Task LockChainAsync(AllianceDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ChainLockKey})", cancellationToken);
        }
    }

    private async Task<AuditEntry> AppendAsync(AuditRecord record, string? before, string? after, string correlation, CancellationToken cancellationToken)
    {
        await LockChainAsync(db, cancellationToken);
        var last = await db.AuditEntries.AsNoTracking()
            .OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        var sequence = (last?.Sequence ?? 0) + 1;
        var previous = last?.Hash ?? AuditEntry.GenesisHash;
        var at = AuditEntry.ToStoredPrecision(time.GetUtcNow());
        var actorName = scope.UserName ?? "system";
        var onBehalfOf = record.OnBehalfOf?.Value;
        var entry = new AuditEntry
        {
            Sequence = sequence,
            At = at,
            ActorId = scope.UserId,
            ActorName = actorName,
            OnBehalfOfOrganisationId = onBehalfOf,
            Action = record.Action,
            EntityType = record.EntityType,
            EntityId = record.EntityId,
            Before = before,
            After = after,
            CorrelationId = correlation,
            PreviousHash = previous,
            Hash = AuditEntry.ComputeHash(sequence, at, scope.UserId, actorName, onBehalfOf, record.Action,
                record.EntityType, record.EntityId, before, after, correlation, previous),
        };
        db.AuditEntries.Add(entry);
        return entry;
    }
}

/// <summary>The result of walking the chain from the first entry to the last.</summary>
/// <param name="Intact">True when every link holds.</param>
/// <param name="Entries">How many entries were checked.</param>
/// <param name="HeadSequence">The last entry's sequence (compare with an external copy to detect a cut-off tail).</param>
/// <param name="HeadHash">The last entry's hash.</param>
/// <param name="FirstBrokenSequence">The sequence of the first entry that does not hold, if any.</param>
/// <param name="Reason"><c>hash-mismatch</c> (the entry was altered), <c>previous-hash-mismatch</c> (an entry before it was altered, removed or inserted) or <c>sequence-gap</c> (an entry was removed).</param>
public sealed record AuditVerification(bool Intact, long Entries, long HeadSequence, string HeadHash, long? FirstBrokenSequence, string? Reason);

public static class AuditVerifier
{
    public static async Task<AuditVerification> VerifyAsync(AllianceDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        long count = 0;
        long expected = 1;
        var previous = AuditEntry.GenesisHash;
        await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            count++;
            string? reason = null;
            if (entry.Sequence != expected)
            {
                reason = "sequence-gap";
            }
            else if (entry.PreviousHash != previous)
            {
                reason = "previous-hash-mismatch";
            }
            else if (entry.ComputeHash() != entry.Hash)
            {
                reason = "hash-mismatch";
            }

            if (reason is not null)
            {
                return new AuditVerification(false, count, entry.Sequence, entry.Hash, entry.Sequence, reason);
            }

            previous = entry.Hash;
            expected++;
        }

        return new AuditVerification(true, count, expected - 1, previous, null, null);
    }
}
