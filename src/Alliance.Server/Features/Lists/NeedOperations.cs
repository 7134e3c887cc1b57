using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Workflows;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Lists.NeedsApi;
using static Alliance.Server.Features.Lists.ProjectsApi;

namespace Alliance.Server.Features.Lists;

/// <summary>
/// 需求清单 and 项目清单, as operations: a community raises a need; the needs and their projects in the caller's scope;
/// the resources that match a need; a project started for a need (its joint task's route begins in the same commit).
/// <c>/api/needs</c> and the web UI's 需求 pages both come here; out of scope is 404, as everywhere.
/// </summary>
public sealed class NeedOperations(AllianceDbContext db, AuditTrail audit, TimeProvider time, WorkflowRuntime runtime)
{
    /// <summary>A community secretary or staff raises a need of its residents; every field is checked before anything is saved.</summary>
    public async Task<NeedView> RaiseAsync(AccessScope scope, RaiseNeedRequest request, CancellationToken cancellationToken)
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
        return await NeedsApi.ViewAsync(db, scope, need, cancellationToken);
    }

    /// <summary>The needs the caller sees, newest first, filtered by status (open, serving, served), category and community.</summary>
    public async Task<List<NeedView>> ListAsync(AccessScope scope, string? status, string? category, OrganisationId? community, CancellationToken cancellationToken)
    {
        var query = NeedsApi.Visible(db, scope);
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
            views.Add(await NeedsApi.ViewAsync(db, scope, need, cancellationToken));
        }

        return string.IsNullOrWhiteSpace(status) ? views : [.. views.Where(v => v.Status == status)];
    }

    public async Task<NeedView> GetAsync(AccessScope scope, NeedId id, CancellationToken cancellationToken) =>
        await NeedsApi.ViewAsync(db, scope, await NeedsApi.FindVisibleAsync(db, scope, id, cancellationToken), cancellationToken);

    /// <summary>The resources ranked for the need (<see cref="NeedMatching"/>), each criterion with its score and reason.</summary>
    public async Task<MatchesResponse> MatchesAsync(AccessScope scope, NeedId id, CancellationToken cancellationToken)
    {
        var need = await NeedsApi.FindVisibleAsync(db, scope, id, cancellationToken);
        return new MatchesResponse(need.Id, need.Category, need.HeadCount, need.WantedFromUtc, need.WantedToUtc,
            await NeedMatching.RankAsync(db, scope, need, cancellationToken));
    }

    /// <summary>The community that raised the need matches it with resources as a project: a joint task (实事共办) for the providing unit.</summary>
    public async Task<ProjectView> StartProjectAsync(AccessScope scope, NeedId id, StartProjectRequest request, CancellationToken cancellationToken)
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
        if (ids.Count == 0 || ids.Count > ProjectsApi.MaxResources)
        {
            errors.Add("resourceIds", $"请选择 1 到 {ProjectsApi.MaxResources} 项资源。", $"Choose between 1 and {ProjectsApi.MaxResources} resources.");
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

        return (await ProjectsApi.ViewsAsync(db, db.Set<Project>().AsNoTracking().Where(p => p.Id == project.Id), cancellationToken)).Single();
    }
}
