using Alliance.Server.Features.Access;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Audit.AuditApi;

namespace Alliance.Server.Features.Audit;

/// <summary>
/// Reading the audit trail and checking its hash chain, the code both <c>/api/audit</c> and the web UI's 审计 page run;
/// district administrators only (403 otherwise).
/// </summary>
public static class AuditOperations
{
    /// <summary>
    /// Newest first: the unsealed entries (newest insertion first), then the chain from its head down. With
    /// <paramref name="before"/> (a sequence, for paging) only sealed entries below it. The two reads are separate
    /// statements and the sealer works meanwhile, so an entry sealed between them is dropped from the unsealed part.
    /// </summary>
    public static async Task<AuditPage> ListAsync(
        AccessScope scope, AllianceDbContext db, long? before, int? take, string? entityId, string? action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        scope.DemandDistrictAdmin();
        var limit = Math.Clamp(take ?? 50, 1, 500);
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(entityId))
        {
            query = query.Where(e => e.EntityId == entityId);
        }

        if (!string.IsNullOrWhiteSpace(action))
        {
            // an action ("organisation.created") or its family ("organisation.")
            var wanted = action.Trim();
            if (wanted.EndsWith('.'))
            {
                var pattern = wanted.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
                query = query.Where(e => EF.Functions.Like(e.Action, pattern, "\\"));
            }
            else
            {
                query = query.Where(e => e.Action == wanted);
            }
        }

        // One more than the page is read, to know whether older entries exist.
        var entries = new List<AuditEntryResponse>();
        if (before is null)
        {
            entries.AddRange(await Project(query.Where(e => e.Sequence == null).OrderByDescending(e => e.Id).Take(limit + 1)).ToListAsync(cancellationToken));
        }

        var sealedEntries = query.Where(e => e.Sequence != null);
        if (before is long b)
        {
            sealedEntries = sealedEntries.Where(e => e.Sequence < b);
        }

        if (entries.Count <= limit)
        {
            // An entry the sealer sealed after the first read shows in both reads: it is listed once, as sealed.
            var chain = await Project(sealedEntries.OrderByDescending(e => e.Sequence).Take(limit + 1 - entries.Count)).ToListAsync(cancellationToken);
            var sealedNow = chain.Select(e => e.Id).ToHashSet();
            entries.RemoveAll(e => sealedNow.Contains(e.Id));
            entries.AddRange(chain);
        }

        var hasMore = entries.Count > limit;
        var page = entries.Take(limit).ToList();
        long? next = null;
        if (hasMore)
        {
            // Below the oldest sealed entry listed; when the page held only unsealed entries, the chain from its head.
            next = page.LastOrDefault(e => e.Sequence is not null)?.Sequence
                ?? await sealedEntries.MaxAsync(e => e.Sequence, cancellationToken) + 1
                ?? long.MaxValue;
        }

        return new AuditPage(page, before, limit, hasMore, next);

        static IQueryable<AuditEntryResponse> Project(IQueryable<AuditEntry> entries) =>
            entries.Select(e => new AuditEntryResponse(e.Id, e.Sequence != null, e.Sequence, e.At, e.ActorId, e.ActorName, e.OnBehalfOfOrganisationId,
                e.Action, e.EntityType, e.EntityId, e.Before, e.After, e.CorrelationId, e.PreviousHash, e.Hash));
    }

    public static async Task<AuditVerification> VerifyAsync(AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        scope.DemandDistrictAdmin();
        return await AuditVerifier.VerifyAsync(db, time, cancellationToken);
    }
}
