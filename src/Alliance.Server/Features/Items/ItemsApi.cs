using System.Text.Json;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Workflows;
using Alliance.Workflows.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Items;

public static class ItemsApi
{
    public static readonly BilingualText Thing = new("事项", "item");

    public const int PageSize = 20;

    public static IEndpointRouteBuilder MapItemsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/items").WithTags("Items").RequireAuthorization();
        api.MapPost("/", Submit).WithName("SubmitItem")
            .WithSummary("Submit a joint item; its route (deliberation, decision, joint task, urgent) starts at once / 提交议事事项并启动流程");
        api.MapGet("/", List).WithName("ListItems").WithSummary("Items in the caller's scope, filtered and paged / 可见事项列表");
        api.MapGet("/{id}", Get).WithName("GetItem")
            .WithSummary("An item with its current steps, who holds them, deadlines and full timeline / 事项详情、当前环节、办理人、期限与全过程");
        api.MapGet("/{id}/diagram", Diagram).WithName("GetItemDiagram")
            .WithSummary("The item's route as a Mermaid flowchart with its position / 事项流程图（Mermaid）及当前位置");
        return app;
    }

    public sealed record SubmitItemRequest(
        ItemKind? Kind, string? Title, string? Description, string? Category, AllianceId? AllianceId, ItemScope? Scope, DateOnly? DesiredDate,
        OrganisationId? DesignatedUnitId);

    public sealed record SubmittedItem(ItemId Id, string Status, long Sequence);

    public sealed record ItemSummary(
        ItemId Id, ItemKind Kind, string Title, string Category, AllianceId AllianceId, ItemScope Scope, string Status, bool Overdue, bool Escalated,
        OrganisationId SubmitterOrganisationId, DateOnly? DesiredDate, DateTime CreatedUtc, DateTime? ClosedUtc);

    public sealed record ItemPage(int Page, int PageSize, int Total, IReadOnlyList<ItemSummary> Items);

    public sealed record StepView(
        Guid TaskId, string Step, string? TitleZh, string? TitleEn, string? Role, IReadOnlyList<OrganisationId> Candidates, string? ClaimedBy,
        OrganisationId? HolderOrganisationId, DateTime? DeadlineUtc, bool Escalated, bool Overdue, DateTime OpenedUtc, DateTime? ClosedUtc,
        string? Outcome, string? CompletedBy, string? Comment);

    public sealed record TimelineEntry(long Sequence, string Type, DateTime AtUtc, string? Actor, JsonElement Data);

    public sealed record ItemDetail(
        ItemId Id, ItemKind Kind, string Title, string Description, string Category, AllianceId AllianceId, OrganisationId HostOrganisationId,
        OrganisationId StreetId, ItemScope Scope, DateOnly? DesiredDate, OrganisationId? DesignatedUnitId, string Status, bool Overdue, bool Escalated,
        OrganisationId SubmitterOrganisationId, Guid? SubmittedBy, Guid WorkflowInstanceId, ItemId? ParentItemId, long Sequence,
        DateTime CreatedUtc, DateTime? ClosedUtc, IReadOnlyList<StepView> CurrentSteps, IReadOnlyList<StepView> PastSteps,
        IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<LinkedItem> ChildItems);

    /// <summary>An item this one started (a joint task, or the street's deliberation of an escalated one), as far as the caller may see it.</summary>
    public sealed record LinkedItem(ItemId Id, ItemKind Kind, AllianceId AllianceId, string Status, DateTime CreatedUtc, DateTime? ClosedUtc);

    public sealed record DiagramResponse(ItemId Id, string Mermaid);

    public static async Task<Created<SubmittedItem>> Submit(
        SubmitItemRequest request, AccessScope scope, AllianceDbContext db, WorkflowRuntime runtime, ItemSync sync, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("kind", request.Kind, new("事项类型", "kind"));
        if (request.Kind == ItemKind.Commitment)
        {
            errors.Add("kind", "共建承诺请通过 /api/commitments 起草和提交。", "Commitments are drafted and submitted through /api/commitments.");
        }

        errors.Text("title", request.Title, new("标题", "title"), 200);
        errors.Text("description", request.Description, new("内容", "description"), 4000);
        errors.Text("category", request.Category, new("类别", "category"), 50);
        errors.Required("allianceId", request.AllianceId, new("联盟", "alliance"));
        PartyAlliance? alliance = null;
        if (request.AllianceId is { } allianceId)
        {
            alliance = scope.CanSeeAlliance(allianceId) ? await db.Alliances.AsNoTracking().SingleOrDefaultAsync(a => a.Id == allianceId, cancellationToken) : null;
            if (alliance is null)
            {
                errors.Unknown("allianceId", new("联盟", "alliance"));
            }
            else if (alliance.Status != AllianceStatus.Active)
            {
                errors.Add("allianceId", "该联盟已解散。", "The alliance is dissolved.");
            }
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (request.Kind is ItemKind.JointTask or ItemKind.Urgent or ItemKind.Decision && request.DesiredDate is null)
        {
            errors.Add("desiredDate", "要事共决、实事共办和急事共商须填写期望完成日期。", "A decision, joint task or urgent item needs a desired date.");
        }
        else if (request.DesiredDate is { } desired && desired < today)
        {
            errors.Add("desiredDate", "期望完成日期不能早于今天。", "The desired date cannot be in the past.");
        }

        var members = alliance is null ? [] : await ItemRoutes.MembersAsync(db, alliance.Id, cancellationToken);
        if (request.DesignatedUnitId is { } designated)
        {
            if (request.Kind is not ItemKind.JointTask)
            {
                errors.Add("designatedUnitId", "只有实事共办可以指定承办单位。", "Only a joint task can be designated to a unit.");
            }
            else if (!members.Exists(m => m.Id == designated && m.Kind == OrganisationKind.Unit))
            {
                errors.Add("designatedUnitId", "指定的单位不是该联盟的成员单位。", "The designated unit is not a member unit of the alliance.");
            }
        }

        if (request.Kind == ItemKind.ResourceRequest)
        {
            errors.Add("kind", "使用共享资源请通过 /api/resources/{id}/bookings 预约。", "Resource requests are made through /api/resources/{id}/bookings.");
        }

        errors.ThrowIfAny();
        var submitter = SubmitterFor(scope, alliance!, members)
            ?? throw new ForbiddenProblem("item.not-member", new(
                "只有联盟的牵头组织或成员单位可以提交事项。", "Only the alliance's host organisation or a member may submit an item to it."));
        var host = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == alliance!.HostOrganisationId, cancellationToken);
        var item = new Item
        {
            Id = ItemId.New(),
            Kind = request.Kind!.Value,
            Title = request.Title!.Trim(),
            Description = request.Description!.Trim(),
            Category = request.Category!.Trim(),
            AllianceId = alliance!.Id,
            HostOrganisationId = host.Id,
            StreetId = host.StreetOfHost(),
            Scope = request.Scope ?? ItemScope.Alliance,
            DesiredDate = request.DesiredDate,
            DesignatedUnitId = request.DesignatedUnitId,
            SubmitterOrganisationId = submitter,
            SubmittedBy = scope.UserId,
            CreatedUtc = time.GetUtcNow().UtcDateTime,
            UpdatedUtc = time.GetUtcNow().UtcDateTime,
        };
        var input = ItemRoutes.Inputs(item, alliance, members, time);
        input["scope"] = item.Scope == ItemScope.Street ? "street" : "alliance";
        input["category"] = item.Category;
        input["title"] = item.Title;
        if (await ItemRoutes.StreetRouteAsync(db, item, alliance, time, cancellationToken) is { } streetRoute)
        {
            input["streetRoute"] = streetRoute;
        }

        var actor = new Actor(scope.UserId!.Value.ToString(), [.. WorkflowRoles.ByOrganisation(scope).GetValueOrDefault(submitter) ?? []], submitter.ToString());
        var instance = await runtime.StartAsync(ItemRoutes.WorkflowOf(item.Kind), input, actor, correlationKey: item.Id.ToString(), cancellationToken: cancellationToken);
        item.WorkflowInstanceId = instance.Value;
        var saved = await sync.SubmitAsync(item, submitter, cancellationToken);
        return TypedResults.Created($"/api/items/{item.Id}", new SubmittedItem(saved.Id, saved.Status, saved.Sequence));
    }

    public static async Task<Ok<ItemPage>> List(
        AccessScope scope, AllianceDbContext db, ItemKind? kind, string? status, AllianceId? alliance, bool? mine, bool? overdue, int? page,
        CancellationToken cancellationToken)
    {
        var query = await VisibleAsync(db, scope, cancellationToken);
        if (kind is { } k)
        {
            query = query.Where(i => i.Kind == k);
        }

        if (!string.IsNullOrWhiteSpace(status))
        {
            query = query.Where(i => i.Status == status);
        }

        if (alliance is { } a)
        {
            query = query.Where(i => i.AllianceId == a);
        }

        if (mine == true)
        {
            var acting = scope.ActingOrganisationIds.ToList();
            query = query.Where(i => i.SubmittedBy == scope.UserId || acting.Contains(i.SubmitterOrganisationId));
        }

        if (overdue is { } o)
        {
            query = query.Where(i => i.Overdue == o);
        }

        var number = Math.Max(1, page ?? 1);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(i => i.CreatedUtc).ThenBy(i => i.Id)
            .Skip((number - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new ItemPage(number, PageSize, total, [.. items.Select(i => new ItemSummary(
            i.Id, i.Kind, i.Title, i.Category, i.AllianceId, i.Scope, i.Status, i.Overdue, i.Escalated, i.SubmitterOrganisationId, i.DesiredDate,
            i.CreatedUtc, i.ClosedUtc))]));
    }

    public static async Task<Ok<ItemDetail>> Get(ItemId id, AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var item = await FindVisibleAsync(db, scope, id, cancellationToken);
        var tasks = await db.Set<ItemTask>().AsNoTracking().Where(t => t.ItemId == id).ToListAsync(cancellationToken);
        var events = await db.Set<ItemEventRecord>().AsNoTracking().Where(e => e.ItemId == id).OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
        var children = await (await VisibleAsync(db, scope, cancellationToken)).Where(i => i.ParentItemId == id).OrderBy(i => i.CreatedUtc)
            .Select(i => new LinkedItem(i.Id, i.Kind, i.AllianceId, i.Status, i.CreatedUtc, i.ClosedUtc)).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return TypedResults.Ok(new ItemDetail(
            item.Id, item.Kind, item.Title, item.Description, item.Category, item.AllianceId, item.HostOrganisationId, item.StreetId, item.Scope,
            item.DesiredDate, item.DesignatedUnitId, item.Status, item.Overdue, item.Escalated, item.SubmitterOrganisationId, item.SubmittedBy,
            item.WorkflowInstanceId, item.ParentItemId, item.Sequence, item.CreatedUtc, item.ClosedUtc,
            [.. tasks.Where(t => t.IsOpen).OrderBy(t => t.OpenedUtc).Select(t => Step(t, now))],
            [.. tasks.Where(t => !t.IsOpen).OrderBy(t => t.ClosedUtc).Select(t => Step(t, now))],
            [.. events.Select(e => new TimelineEntry(e.Sequence, e.Type, e.AtUtc, e.Actor, JsonSerializer.Deserialize<JsonElement>(e.PayloadJson)))],
            children));
    }

    public static async Task<Ok<DiagramResponse>> Diagram(ItemId id, AccessScope scope, AllianceDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        var item = await FindVisibleAsync(db, scope, id, cancellationToken);
        return TypedResults.Ok(new DiagramResponse(item.Id, await runtime.ExportMermaidAsync(new InstanceId(item.WorkflowInstanceId), cancellationToken)));
    }

    internal static StepView Step(ItemTask t, DateTime now) =>
        new(t.Id, t.Step, t.TitleZh, t.TitleEn, t.CandidateRole, [.. t.Candidates()], t.ClaimedBy, t.HolderOrganisationId, t.DeadlineUtc, t.Escalated,
            t.OverdueUtc is not null || (t.IsOpen && t.DeadlineUtc <= now), t.OpenedUtc, t.ClosedUtc, t.Outcome, t.CompletedBy, t.Comment);

    /// <summary>The organisation the caller submits for: the alliance's host if they act for it, else a member they act for.</summary>
    private static OrganisationId? SubmitterFor(AccessScope scope, PartyAlliance alliance, IReadOnlyList<Organisation> members)
    {
        if (scope.CanActFor(alliance.HostOrganisationId))
        {
            return alliance.HostOrganisationId;
        }

        return members.FirstOrDefault(m => scope.CanActFor(m.Id))?.Id;
    }

    /// <summary>
    /// Items the caller can see: those submitted by or hosted at an organisation they see (a street sees its
    /// communities' items, the district all), and those routed to an organisation they act for.
    /// </summary>
    public static async Task<IQueryable<Item>> VisibleAsync(AllianceDbContext db, AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        var items = db.Set<Item>().AsNoTracking();
        if (scope.IsDistrictAdmin)
        {
            return items;
        }

        var visible = scope.VisibleOrganisationIds.ToList();
        var routed = await RoutedItemIdsAsync(db, scope, cancellationToken);
        return items.Where(i => visible.Contains(i.SubmitterOrganisationId) || visible.Contains(i.HostOrganisationId) || routed.Contains(i.Id));
    }

    public static async Task<Item> FindVisibleAsync(AllianceDbContext db, AccessScope scope, ItemId id, CancellationToken cancellationToken) =>
        await (await VisibleAsync(db, scope, cancellationToken)).SingleOrDefaultAsync(i => i.Id == id, cancellationToken)
            ?? throw new NotFoundProblem(Thing);

    private static async Task<List<ItemId>> RoutedItemIdsAsync(AllianceDbContext db, AccessScope scope, CancellationToken cancellationToken)
    {
        var ids = new List<ItemId>();
        foreach (var organisation in scope.ActingOrganisationIds)
        {
            var text = organisation.ToString();
            ids.AddRange(await db.Set<ItemTask>().AsNoTracking()
                .Where(t => t.HolderOrganisationId == organisation || (t.CandidateOrganisations != null && t.CandidateOrganisations.Contains(text)))
                .Select(t => t.ItemId).Distinct().ToListAsync(cancellationToken));
            ids.AddRange(await db.Set<SupervisionEntry>().AsNoTracking().Where(e => e.StreetId == organisation).Select(e => e.ItemId).ToListAsync(cancellationToken));
        }

        return [.. ids.Distinct()];
    }
}
