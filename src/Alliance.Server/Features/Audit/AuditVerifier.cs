using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Audit;

/// <summary>The result of walking the sealed chain from the first entry to the last, and of looking at the entries not sealed yet.</summary>
/// <param name="Intact">True when every link holds and no entry has waited for its seal longer than <see cref="AuditSealer.OverdueAfter"/>.</param>
/// <param name="Entries">How many sealed entries were checked.</param>
/// <param name="HeadSequence">The last sealed entry's sequence (compare with an external copy to detect a cut-off tail).</param>
/// <param name="HeadHash">The last sealed entry's hash.</param>
/// <param name="FirstBrokenSequence">The sequence of the first entry that does not hold, if any.</param>
/// <param name="Reason">
/// <c>hash-mismatch</c> (the entry was altered), <c>previous-hash-mismatch</c> (an entry before it was altered, removed
/// or inserted), <c>sequence-gap</c> (an entry was removed), or <c>unsealed-overdue</c> (the chain holds, but an entry
/// has been waiting for its seal too long: no sealer is running, or the row was written around the application).
/// </param>
/// <param name="Unsealed">Entries committed but not linked into the chain yet (normally sealed within milliseconds).</param>
/// <param name="OldestUnsealedAt">When the oldest of them was written.</param>
public sealed record AuditVerification(
    bool Intact, long Entries, long HeadSequence, string HeadHash, long? FirstBrokenSequence, string? Reason, long Unsealed, DateTimeOffset? OldestUnsealedAt);

public static class AuditVerifier
{
    public static async Task<AuditVerification> VerifyAsync(AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(time);

        // The unsealed first: an entry sealed while the chain is walked then shows up in the walk, not nowhere.
        var unsealed = db.AuditEntries.AsNoTracking().Where(e => e.Sequence == null);
        var pending = await unsealed.LongCountAsync(cancellationToken);
        var oldest = pending == 0 ? null : await unsealed.OrderBy(e => e.Id).Select(e => (DateTimeOffset?)e.At).FirstOrDefaultAsync(cancellationToken);

        long count = 0;
        long expected = 1;
        var previous = AuditEntry.GenesisHash;
        await foreach (var entry in db.AuditEntries.AsNoTracking().Where(e => e.Sequence != null).OrderBy(e => e.Sequence)
            .AsAsyncEnumerable().WithCancellation(cancellationToken))
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
                return new AuditVerification(false, count, entry.Sequence!.Value, entry.Hash!, entry.Sequence, reason, pending, oldest);
            }

            previous = entry.Hash!;
            expected++;
        }

        var overdue = oldest is { } at && time.GetUtcNow() - at > AuditSealer.OverdueAfter;
        return new AuditVerification(!overdue, count, expected - 1, previous, null, overdue ? "unsealed-overdue" : null, pending, oldest);
    }
}
