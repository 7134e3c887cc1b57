using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Supervision;

/// <summary>督办: overdue work escalated to the street after the grace period, and overdue counts per unit.</summary>
public static class SupervisionApi
{
    public static IEndpointRouteBuilder MapSupervisionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/supervision").WithTags("Supervision").RequireAuthorization();
        api.MapGet("/", List).WithName("ListSupervision")
            .WithSummary("督办 entries of the streets the caller sees, and overdue counts per unit / 督办清单与各单位逾期次数");
        return app;
    }

    public sealed record SupervisionView(
        Guid Id, ItemId ItemId, string ItemTitle, ItemKind ItemKind, Guid TaskId, string? Step, OrganisationId StreetId,
        OrganisationId? ResponsibleOrganisationId, string? ResponsibleName, DateTime DeadlineUtc, DateTime CreatedUtc, DateTime? ResolvedUtc);

    public sealed record OverdueCount(OrganisationId OrganisationId, string Name, int Overdue, int OpenOverdue);

    public sealed record SupervisionResponse(IReadOnlyList<SupervisionView> Entries, IReadOnlyList<OverdueCount> OverdueByUnit);

    public static async Task<Ok<SupervisionResponse>> List(AccessScope scope, AllianceDbContext db, bool? open, CancellationToken cancellationToken) =>
        TypedResults.Ok(await SupervisionOperations.ListAsync(scope, db, open, cancellationToken));
}
