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
        NeedId id, StartProjectRequest request, AccessScope scope, AllianceDbContext db, WorkflowRuntime runtime, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var need = await NeedsApi.FindVisibleAsync(db, scope, id, cancellationToken);
        if (!scope.HasRole(AllianceRole.CommunitySecretary, need.CommunityId) && !scope.HasRole(AllianceRole.CommunityStaff, need.CommunityId))
        {
            throw new ForbiddenProblem("project.not-community", new("只有提出需求的社区可以为其立项。", "Only the community that raised the need may start a project for it."));
        }

        var alliance = await db.Alliances.AsNoTracking().SingleAsync(a => a.Id == need.AllianceId, cancellationToken);
        var errors = new FieldErrors();
        errors.Text("title", request.Title, new("项目名称", "title"), 200, required: false);
        var ids = (request.ResourceIds ?? []).Distinct().ToList();
        if (ids.Count == 0 || ids.Count > MaxResources)
        {
            errors.Add("resourceIds", $"请选择 1 到 {MaxResources} 项资源。", $"Choose between 1 and {MaxResources} resources.");
        }

        var resources = await ResourcesApi.Visible(db, scope).Where(r => ids.Contains(r.Id)).ToListAsync(cancellationToken);
        if (resources.Count != ids.Count)
        {
            errors.Unknown("resourceIds", new("资源", "resource"));
        }
        else if (resources.Exists(r => r.Status != ResourceStatus.Active))
        {
            errors.Add("resourceIds", "所选资源已停止共享。", "A chosen resource is no longer shared.");
        }

        var ownerIds = resources.Select(r => r.OwnerId).Distinct().ToList();
        var providers = await db.Organisations.AsNoTracking().Where(o => ownerIds.Contains(o.Id) && o.Kind == OrganisationKind.Unit && o.Status == OrganisationStatus.Active)
            .Select(o => o.Id).ToListAsync(cancellationToken);
        OrganisationId? provider = null;
        if (request.ProviderUnitId is { } asked)
        {
            if (providers.Contains(asked))
            {
                provider = asked;
            }
            else
            {
                errors.Add("providerUnitId", "承办单位须是所选资源的共享单位。", "The providing unit must own one of the chosen resources.");
            }
        }
        else if (providers.Count == 1)
        {
            provider = providers[0];
        }
        else if (providers.Count > 1)
        {
            errors.Add("providerUnitId", "所选资源属于多个单位，请指定承办单位。", "The resources belong to several units: choose the providing unit.");
        }
        else if (resources.Count == ids.Count && ids.Count > 0)
        {
            errors.Add("resourceIds", "项目须至少使用一项共建单位共享的资源。", "A project needs at least one resource shared by a co-building unit.");
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, TimeZoneInfo.FindSystemTimeZoneById(alliance.Rules.TimeZone)));
        var due = request.DueDate
            ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(need.WantedToUtc, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById(alliance.Rules.TimeZone)));
        if (due < today)
        {
            errors.Add("dueDate", "完成日期不能早于今天。", "The due date cannot be in the past.");
        }

        if (alliance.Status != AllianceStatus.Active)
        {
            errors.Add("needId", "需求所在联盟已解散。", "The need's alliance is dissolved.");
        }

        errors.ThrowIfAny();
        var now = time.GetUtcNow().UtcDateTime;
        var host = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == alliance.HostOrganisationId, cancellationToken);
        var title = string.IsNullOrWhiteSpace(request.Title) ? need.Title : request.Title.Trim();
        var item = new Item
        {
            Id = ItemId.New(),
            Kind = ItemKind.JointTask,
            Title = title,
            Description = $"{need.Description}\n使用资源：{string.Join("、", resources.Select(r => r.Name))}；服务人数：{need.HeadCount}",
            Category = need.Category,
            AllianceId = alliance.Id,
            HostOrganisationId = host.Id,
            StreetId = host.StreetOfHost(),
            Scope = ItemScope.Alliance,
            DesiredDate = due,
            DesignatedUnitId = provider,
            SubmitterOrganisationId = need.CommunityId,
            SubmittedBy = scope.UserId,
            CreatedUtc = now,
            UpdatedUtc = now,
        };
        var members = await ItemRoutes.MembersAsync(db, alliance.Id, cancellationToken);
        var actor = new Actor(scope.UserId!.Value.ToString(), [.. WorkflowRoles.ByOrganisation(scope).GetValueOrDefault(need.CommunityId) ?? []], need.CommunityId.ToString());
        var project = new Project
        {
            Id = ProjectId.New(),
            NeedId = need.Id,
            ItemId = item.Id,
            ProviderUnitId = provider!.Value,
            Title = title,
            StartedBy = scope.UserId,
            CreatedUtc = now,
        };
        try
        {
            await ItemRoutes.StartAsync(runtime, item, ItemRoutes.Inputs(item, alliance, members, time), actor, scope, need.CommunityId,
                new ProjectStarting(project, ids, need.Id, need.Revision, actor.Id), null, cancellationToken);
        }
        catch (WorkflowConcurrencyException ex) when (ex.InnerException is DbUpdateException)
        {
            // the need changed meanwhile: neither the route nor the item nor the project was written
            throw new ConflictProblem("project.changed", new("需求刚被他人修改，请刷新后重试。", "The need was just changed by someone else; reload and try again."));
        }

        var view = (await ViewsAsync(db, db.Set<Project>().AsNoTracking().Where(p => p.Id == project.Id), cancellationToken)).Single();
        return TypedResults.Created($"/api/projects/{project.Id}", view);
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
