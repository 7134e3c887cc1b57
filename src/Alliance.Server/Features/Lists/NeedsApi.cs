using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Lists;

/// <summary>需求清单: needs raised by communities, who sees them, and the resources that match them.</summary>
public static class NeedsApi
{
    public static readonly BilingualText Thing = new("需求", "need");

    public static IEndpointRouteBuilder MapNeedsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/needs").WithTags("Three lists").RequireAuthorization();
        api.MapPost("/", Raise).WithName("RaiseNeed")
            .WithSummary("A community raises a need of its residents: title, category, description, head count, wanted period / 社区提出需求");
        api.MapGet("/", List).WithName("ListNeeds")
            .WithSummary("Needs of the communities the caller sees and of the alliances they belong to, with the projects serving them / 需求清单");
        api.MapGet("/{id}", Get).WithName("GetNeed").WithSummary("A need and the projects serving it / 需求详情");
        api.MapGet("/{id}/matches", Matches).WithName("MatchNeed")
            .WithSummary("Resources ranked for the need by category, place, capacity and availability, with each criterion's score and reason / 需求资源匹配");
        api.MapPost("/{id}/projects", ProjectsApi.Start).WithName("StartProject")
            .WithSummary("Match the need with resources as a project: starts a joint task (实事共办) for the providing unit / 立项：需求对接资源并启动实事共办");
        return app;
    }

    public sealed record RaiseNeedRequest(
        OrganisationId? CommunityId, string? Title, string? Category, string? Description, int? HeadCount, DateTimeOffset? WantedFrom, DateTimeOffset? WantedTo);

    public sealed record NeedView(
        NeedId Id, OrganisationId CommunityId, string? CommunityName, OrganisationId StreetId, AllianceId AllianceId, string Title, string Category,
        string Description, int HeadCount, DateTime WantedFromUtc, DateTime WantedToUtc, string Status, Guid? RaisedBy, DateTime CreatedUtc,
        IReadOnlyList<ProjectsApi.ProjectView> Projects);

    public sealed record MatchesResponse(NeedId NeedId, string Category, int HeadCount, DateTime WantedFromUtc, DateTime WantedToUtc, IReadOnlyList<NeedMatching.Match> Matches);

    public static async Task<Created<NeedView>> Raise(RaiseNeedRequest request, AccessScope scope, NeedOperations needs, CancellationToken cancellationToken)
    {
        var need = await needs.RaiseAsync(scope, request, cancellationToken);
        return TypedResults.Created($"/api/needs/{need.Id}", need);
    }

    public static async Task<Ok<List<NeedView>>> List(
        AccessScope scope, NeedOperations needs, string? status, string? category, OrganisationId? community, CancellationToken cancellationToken) =>
        TypedResults.Ok(await needs.ListAsync(scope, status, category, community, cancellationToken));

    public static async Task<Ok<NeedView>> Get(NeedId id, AccessScope scope, NeedOperations needs, CancellationToken cancellationToken) =>
        TypedResults.Ok(await needs.GetAsync(scope, id, cancellationToken));

    public static async Task<Ok<MatchesResponse>> Matches(NeedId id, AccessScope scope, NeedOperations needs, CancellationToken cancellationToken) =>
        TypedResults.Ok(await needs.MatchesAsync(scope, id, cancellationToken));

    /// <summary>
    /// Needs the caller sees: the district all; whoever sees the raising community (the community, its street); every
    /// member of the community's alliance (the units that may serve it). Anything else is 404.
    /// </summary>
    public static IQueryable<Need> Visible(AllianceDbContext db, AccessScope scope)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        var needs = db.Set<Need>().AsNoTracking();
        if (scope.IsDistrictAdmin)
        {
            return needs;
        }

        var organisations = scope.VisibleOrganisationIds.ToList();
        var alliances = scope.VisibleAllianceIds.ToList();
        return needs.Where(n => organisations.Contains(n.CommunityId) || alliances.Contains(n.AllianceId));
    }

    public static async Task<Need> FindVisibleAsync(AllianceDbContext db, AccessScope scope, NeedId id, CancellationToken cancellationToken) =>
        await Visible(db, scope).SingleOrDefaultAsync(n => n.Id == id, cancellationToken) ?? throw new NotFoundProblem(Thing);

    public static async Task<NeedView> ViewAsync(AllianceDbContext db, AccessScope scope, Need need, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(need);
        var projects = await ProjectsApi.ViewsAsync(db, db.Set<Project>().AsNoTracking().Where(p => p.NeedId == need.Id), cancellationToken);
        var status = projects.Count == 0 ? Need.OpenStatus : projects.Exists(p => !p.Closed) ? Need.ServingStatus : "served";
        var name = await db.Organisations.AsNoTracking().Where(o => o.Id == need.CommunityId).Select(o => o.Name).SingleOrDefaultAsync(cancellationToken);
        return new NeedView(need.Id, need.CommunityId, name, need.StreetId, need.AllianceId, need.Title, need.Category, need.Description, need.HeadCount,
            need.WantedFromUtc, need.WantedToUtc, status, need.RaisedBy, need.CreatedUtc, projects);
    }
}
