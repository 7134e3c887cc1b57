using Alliance.Contracts.Lists;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Workflows;
using Alliance.Workflows.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Lists;

/// <summary>项目清单: a need matched with resources, carried out as a joint task (实事共办) by the providing unit.</summary>
public static class ProjectsApi
{
    public static readonly BilingualText Thing = new("项目", "project");

    public const int MaxResources = 10;

    public static IEndpointRouteBuilder MapProjectsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/projects").WithTags("Three lists").RequireAuthorization();
        api.MapGet("/", List).WithName("ListProjects")
            .WithSummary("Projects of the needs the caller sees and those their unit provides, with their joint task's status / 项目清单");
        api.MapGet("/{id}", Get).WithName("GetProject").WithSummary("A project: its need, resources, providing unit and joint task / 项目详情");
        return app;
    }

    public sealed record StartProjectRequest(IReadOnlyList<ResourceId>? ResourceIds, OrganisationId? ProviderUnitId, string? Title, DateOnly? DueDate);

    public sealed record ResourceRef(ResourceId Id, string Name);

    public sealed record ProjectView(
        ProjectId Id, NeedId NeedId, string Title, OrganisationId ProviderUnitId, string? ProviderName, ItemId ItemId, string ItemStatus, bool Closed,
        IReadOnlyList<ResourceRef> Resources, Guid? StartedBy, DateTime CreatedUtc);

    public static async Task<Created<ProjectView>> Start(
        NeedId id, StartProjectRequest request, AccessScope scope, NeedOperations needs, CancellationToken cancellationToken)
    {
        var view = await needs.StartProjectAsync(scope, id, request, cancellationToken);
        return TypedResults.Created($"/api/projects/{view.Id}", view);
    }

    public static async Task<Ok<List<ProjectView>>> List(AccessScope scope, AllianceDbContext db, NeedId? need, CancellationToken cancellationToken)
    {
        var query = Visible(db, scope);
        if (need is { } n)
        {
            query = query.Where(p => p.NeedId == n);
        }

        return TypedResults.Ok(await ViewsAsync(db, query, cancellationToken));
    }

    public static async Task<Ok<ProjectView>> Get(ProjectId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok((await ViewsAsync(db, Visible(db, scope).Where(p => p.Id == id), cancellationToken)).SingleOrDefault() ?? throw new NotFoundProblem(Thing));

    /// <summary>Projects of the needs the caller sees, and those their own unit provides.</summary>
    public static IQueryable<Project> Visible(AllianceDbContext db, AccessScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var needs = NeedsApi.Visible(db, scope).Select(n => n.Id);
        var acting = scope.ActingOrganisationIds.ToList();
        return db.Set<Project>().AsNoTracking().Where(p => needs.Contains(p.NeedId) || acting.Contains(p.ProviderUnitId));
    }

    internal static async Task<List<ProjectView>> ViewsAsync(AllianceDbContext db, IQueryable<Project> query, CancellationToken cancellationToken)
    {
        var projects = await query.OrderBy(p => p.CreatedUtc).ToListAsync(cancellationToken);
        if (projects.Count == 0)
        {
            return [];
        }

        var ids = projects.Select(p => p.Id).ToList();
        var links = await db.Set<ProjectResource>().AsNoTracking().Where(l => ids.Contains(l.ProjectId)).ToListAsync(cancellationToken);
        var resourceIds = links.Select(l => l.ResourceId).Distinct().ToList();
        var resources = await db.Set<Resource>().AsNoTracking().Where(r => resourceIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken);
        var itemIds = projects.Select(p => p.ItemId).ToList();
        var items = await db.Set<Item>().AsNoTracking().Where(i => itemIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
        var providerIds = projects.Select(p => p.ProviderUnitId).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => providerIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        return [.. projects.Select(p => new ProjectView(p.Id, p.NeedId, p.Title, p.ProviderUnitId, names.GetValueOrDefault(p.ProviderUnitId), p.ItemId,
            items[p.ItemId].Status, items[p.ItemId].IsClosed,
            [.. links.Where(l => l.ProjectId == p.Id).Select(l => new ResourceRef(l.ResourceId, resources.GetValueOrDefault(l.ResourceId) ?? ""))],
            p.StartedBy, p.CreatedUtc))];
    }
}

/// <summary>A project, its resources and its need's new status, written with its joint task's item in the route's first commit, with <see cref="ProjectStarted"/>.</summary>
internal sealed record ProjectStarting(Project Project, IReadOnlyList<ResourceId> Resources, NeedId NeedId, int NeedRevision, string Actor) : IItemAlongside
{
    public async Task ApplyAsync(AllianceDbContext db, Item item, ItemEvents events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(events);
        db.Add(Project);
        db.AddRange(Resources.Select(r => new ProjectResource { ProjectId = Project.Id, ResourceId = r }));
        var need = await db.Set<Need>().SingleAsync(n => n.Id == NeedId, cancellationToken);
        if (need.Revision != NeedRevision)
        {
            throw new DbUpdateConcurrencyException("The need changed while its project was started.");
        }

        need.Status = Need.ServingStatus;
        need.UpdatedUtc = Project.CreatedUtc;
        need.Revision++;
        events.Emit(Actor, seq => new ProjectStarted(item.Id.Value, item.AllianceId.Value, events.Concerned(Project.ProviderUnitId), seq, Project.Id.Value,
            NeedId.Value, [.. Resources.Select(r => r.Value)], Project.ProviderUnitId.Value, Project.Title));
    }
}
