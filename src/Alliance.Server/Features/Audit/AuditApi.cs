using Alliance.Server.Features.Access;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Audit;

public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization();
        api.MapGet("/", List)
            .WithName("ListAuditEntries")
            .WithSummary("Audit entries, newest first: those not sealed into the chain yet, then the chain from its head (district admin) / 审计记录（区级管理员）");
        api.MapGet("/verify", Verify)
            .WithName("VerifyAuditChain")
            .WithSummary("Walk the hash chain and report the first broken link, and entries waiting too long for their seal (district admin) / 校验审计哈希链");
        return app;
    }

    /// <summary>
    /// One entry. <paramref name="Sealed"/> false: committed with its change but not linked into the chain yet
    /// (normally for milliseconds), so <paramref name="Sequence"/>, <paramref name="PreviousHash"/> and
    /// <paramref name="Hash"/> are null. <paramref name="Id"/> is the insertion order key.
    /// </summary>
    public sealed record AuditEntryResponse(
        long Id, bool Sealed, long? Sequence, DateTimeOffset At, Guid? ActorId, string ActorName, Guid? OnBehalfOfOrganisationId, string Action,
        string EntityType, string EntityId, string? Before, string? After, string CorrelationId, string? PreviousHash, string? Hash);

    /// <summary>
    /// A page of the trail with the paging it applied: <paramref name="Take"/> (the default 50 when none was asked) and
    /// <paramref name="Before"/> as asked; <paramref name="HasMore"/> when older entries exist, and then
    /// <paramref name="NextBefore"/> is the <c>before</c> that reads the next page.
    /// </summary>
    public sealed record AuditPage(IReadOnlyList<AuditEntryResponse> Entries, long? Before, int Take, bool HasMore, long? NextBefore);

    /// <summary>
    /// Newest first: the unsealed entries (newest insertion first), then the chain from its head down. With
    /// <paramref name="before"/> (a sequence, for paging) only sealed entries below it. The two reads are separate
    /// statements and the sealer works meanwhile, so an entry sealed between them is dropped from the unsealed part.
    /// </summary>
    public static async Task<Ok<AuditPage>> List(
        AccessScope scope, AllianceDbContext db, long? before, int? take, string? entityId, CancellationToken cancellationToken)
    {
        scope.DemandDistrictAdmin();
        var limit = Math.Clamp(take ?? 50, 1, 500);
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(entityId))
        {
            query = query.Where(e => e.EntityId == entityId);
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

        return TypedResults.Ok(new AuditPage(page, before, limit, hasMore, next));

        static IQueryable<AuditEntryResponse> Project(IQueryable<AuditEntry> entries) =>
            entries.Select(e => new AuditEntryResponse(e.Id, e.Sequence != null, e.Sequence, e.At, e.ActorId, e.ActorName, e.OnBehalfOfOrganisationId,
                e.Action, e.EntityType, e.EntityId, e.Before, e.After, e.CorrelationId, e.PreviousHash, e.Hash));
    }

    public static async Task<Ok<AuditVerification>> Verify(AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        scope.DemandDistrictAdmin();
        return TypedResults.Ok(await AuditVerifier.VerifyAsync(db, time, cancellationToken));
    }
}
