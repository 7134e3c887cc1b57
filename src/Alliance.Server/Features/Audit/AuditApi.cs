using Alliance.Server.Features.Access;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

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

    /// <summary>The trail, newest first, optionally of one entity or one action (or family of actions, ending in a dot); see <see cref="AuditOperations.ListAsync"/>.</summary>
    public static async Task<Ok<AuditPage>> List(
        AccessScope scope, AllianceDbContext db, long? before, int? take, string? entityId, string? action, CancellationToken cancellationToken) =>
        TypedResults.Ok(await AuditOperations.ListAsync(scope, db, before, take, entityId, action, cancellationToken));

    public static async Task<Ok<AuditVerification>> Verify(AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await AuditOperations.VerifyAsync(scope, db, time, cancellationToken));
}
