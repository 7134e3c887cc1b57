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
            .WithSummary("Audit entries, newest first (district admin) / 审计记录（区级管理员）");
        api.MapGet("/verify", Verify)
            .WithName("VerifyAuditChain")
            .WithSummary("Walk the hash chain and report the first broken link (district admin) / 校验审计哈希链");
        return app;
    }

    public sealed record AuditEntryResponse(
        long Sequence, DateTimeOffset At, Guid? ActorId, string ActorName, Guid? OnBehalfOfOrganisationId, string Action,
        string EntityType, string EntityId, string? Before, string? After, string CorrelationId, string PreviousHash, string Hash);

    public static async Task<Ok<List<AuditEntryResponse>>> List(
        AccessScope scope, AllianceDbContext db, long? before, int? take, string? entityId, CancellationToken cancellationToken)
    {
        scope.DemandDistrictAdmin();
        var query = db.AuditEntries.AsNoTracking();
        if (before is long b)
        {
            query = query.Where(e => e.Sequence < b);
        }

        if (!string.IsNullOrWhiteSpace(entityId))
        {
            query = query.Where(e => e.EntityId == entityId);
        }

        var entries = await query.OrderByDescending(e => e.Sequence)
            .Take(Math.Clamp(take ?? 50, 1, 500))
            .Select(e => new AuditEntryResponse(e.Sequence, e.At, e.ActorId, e.ActorName, e.OnBehalfOfOrganisationId, e.Action,
                e.EntityType, e.EntityId, e.Before, e.After, e.CorrelationId, e.PreviousHash, e.Hash))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(entries);
    }

    public static async Task<Ok<AuditVerification>> Verify(AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        scope.DemandDistrictAdmin();
        return TypedResults.Ok(await AuditVerifier.VerifyAsync(db, cancellationToken));
    }
}
