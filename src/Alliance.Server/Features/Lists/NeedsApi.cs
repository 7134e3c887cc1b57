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

    public static async Task<Created<NeedView>> Raise(
        RaiseNeedRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var communities = scope.Grants.Where(g => g.Role is AllianceRole.CommunitySecretary or AllianceRole.CommunityStaff).Select(g => g.OrganisationId).Distinct().ToList();
        if (communities.Count == 0)
        {
            throw new ForbiddenProblem("need.not-community", new("只有社区书记或社区工作人员可以提出需求。", "Only a community secretary or community staff may raise a need."));
        }

        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        errors.Text("title", request.Title, new("需求名称", "title"), 200);
        errors.Text("category", request.Category, new("类别", "category"), 50);
        errors.Text("description", request.Description, new("需求描述", "description"), 4000);
        errors.Required("headCount", request.HeadCount, new("服务人数", "head count"));
        if (request.HeadCount is < 1 or > 100_000)
        {
            errors.Add("headCount", "服务人数须在 1 到 100000 之间。", "The head count must be between 1 and 100,000.");
        }

        errors.Required("wantedFrom", request.WantedFrom, new("需求开始时间", "start of the wanted period"));
        errors.Required("wantedTo", request.WantedTo, new("需求结束时间", "end of the wanted period"));
        if (request.WantedFrom is { } from && request.WantedTo is { } to)
        {
            if (to <= from)
            {
                errors.Add("wantedTo", "需求结束时间须晚于开始时间。", "The wanted period must end after it starts.");
            }
            else if (to - from > TimeSpan.FromDays(366))
            {
                errors.Add("wantedTo", "需求时段不能超过一年。", "The wanted period cannot be longer than a year.");
            }

            if (from < now)
            {
                errors.Add("wantedFrom", "需求开始时间不能早于现在。", "The wanted period cannot start in the past.");
            }
        }

        OrganisationId? community = null;
        if (request.CommunityId is { } asked)
        {
            if (communities.Contains(asked))
            {
                community = asked;
            }
            else
            {
                errors.NotActingFor(new("社区", "community"));
            }
        }
        else if (communities.Count == 1)
        {
            community = communities[0];
        }
        else
        {
            errors.Add("communityId", "您代表多个社区，请选择提出需求的社区。", "You act for several communities: choose the one that raises the need.");
        }

        PartyAlliance? alliance = null;
        Organisation? organisation = null;
        if (community is { } c)
        {
            organisation = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == c, cancellationToken);
            alliance = await db.Alliances.AsNoTracking().Where(a => a.HostOrganisationId == c && a.Status == AllianceStatus.Active)
                .OrderBy(a => a.Name).FirstOrDefaultAsync(cancellationToken);
            if (alliance is null)
            {
                errors.Add("communityId", "该社区没有在运行的区域化党建联盟。", "The community hosts no active alliance.");
            }
            else
            {
                CategoryVocabulary.Check(errors, "category", request.Category, alliance.Rules.Categories);
            }
        }

        errors.ThrowIfAny();
        var need = new Need
        {
            Id = NeedId.New(),
            CommunityId = community!.Value,
            StreetId = organisation!.StreetOfHost(),
            AllianceId = alliance!.Id,
            Title = request.Title!.Trim(),
            Category = request.Category!.Trim(),
            Description = request.Description!.Trim(),
            HeadCount = request.HeadCount!.Value,
            WantedFromUtc = request.WantedFrom!.Value.UtcDateTime,
            WantedToUtc = request.WantedTo!.Value.UtcDateTime,
            RaisedBy = scope.UserId,
            CreatedUtc = now.UtcDateTime,
            UpdatedUtc = now.UtcDateTime,
        };
        db.Add(need);
        await audit.SaveAsync(new AuditRecord("need.raised", "need", need.Id.ToString(), need.CommunityId, null, new
        {
            need.Title, need.Category, need.HeadCount, need.WantedFromUtc, need.WantedToUtc, need.AllianceId,
        }), cancellationToken);
        return TypedResults.Created($"/api/needs/{need.Id}", await ViewAsync(db, scope, need, cancellationToken));
    }

    public static async Task<Ok<List<NeedView>>> List(
        AccessScope scope, AllianceDbContext db, string? status, string? category, OrganisationId? community, CancellationToken cancellationToken)
    {
        var query = Visible(db, scope);
        if (!string.IsNullOrWhiteSpace(category))
        {
            query = query.Where(n => n.Category == category);
        }

        if (community is { } c)
        {
            query = query.Where(n => n.CommunityId == c);
        }

        var needs = await query.OrderByDescending(n => n.CreatedUtc).ToListAsync(cancellationToken);
        var views = new List<NeedView>();
        foreach (var need in needs)
        {
            views.Add(await ViewAsync(db, scope, need, cancellationToken));
        }

        return TypedResults.Ok(string.IsNullOrWhiteSpace(status) ? views : views.Where(v => v.Status == status).ToList());
    }

    public static async Task<Ok<NeedView>> Get(NeedId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ViewAsync(db, scope, await FindVisibleAsync(db, scope, id, cancellationToken), cancellationToken));

    public static async Task<Ok<MatchesResponse>> Matches(NeedId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        var need = await FindVisibleAsync(db, scope, id, cancellationToken);
        return TypedResults.Ok(new MatchesResponse(need.Id, need.Category, need.HeadCount, need.WantedFromUtc, need.WantedToUtc,
            await NeedMatching.RankAsync(db, scope, need, cancellationToken)));
    }

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
