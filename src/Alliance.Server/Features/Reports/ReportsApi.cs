using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Server.Features.Reports;

/// <summary><c>/api/reports</c>: the figures of a period, thin over <see cref="ReportOperations"/> (the pages call the same).</summary>
public static class ReportsApi
{
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization();
        api.MapGet("/figures", Figures).WithName("GetReportFigures")
            .WithSummary("Figures of a period (months yyyy-MM, China time; default: this year): items, satisfaction, commitments, sharing, meetings, per organisation, and the report lines / 统计数据");
        api.MapPost("/figures/rebuild", Rebuild).WithName("RebuildReportFigures")
            .WithSummary("District administrators: recompute every figure from the stored rows (the projection is kept in each commit; this is for repair) / 重算统计数据");
        return app;
    }

    public static async Task<Ok<FiguresReport>> Figures(
        AccessScope scope, ReportOperations reports, CancellationToken cancellationToken,
        AllianceId? alliance = null, OrganisationId? organisation = null, string? from = null, string? to = null) =>
        TypedResults.Ok(await reports.FiguresAsync(scope, alliance, organisation, from, to, cancellationToken));

    public static async Task<NoContent> Rebuild(AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        scope.DemandDistrictAdmin();
        await FigureRebuild.RebuildAsync(db, cancellationToken);
        return TypedResults.NoContent();
    }
}
