using System.Text.Json;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Workflows;
using Alliance.Workflows.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
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
            .WithSummary("Submit a joint item; its route (deliberation, decision, joint task, urgent) starts at once / 提交议事事项并启动流程")
            .WithDescription("Send an `Idempotency-Key` header (1-100 characters) to make a retry safe: the same key from the same person answers "
                + "200 with the item the first request created (201 only when this request created it).");
        api.MapGet("/", List).WithName("ListItems").WithSummary("Items in the caller's scope, filtered and paged / 可见事项列表");
        api.MapGet("/{id}", Get).WithName("GetItem")
            .WithSummary("An item with its current steps, who holds them, deadlines and full timeline / 事项详情、当前环节、办理人、期限与全过程");
        api.MapGet("/{id}/diagram", Diagram).WithName("GetItemDiagram")
            .WithSummary("The item's route as a Mermaid flowchart and as its steps in order, with its position / 事项流程图（Mermaid、步骤）及当前位置");
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

    /// <summary>The route as a Mermaid flowchart and as its steps in order (visited, current, ahead; each with its ways out).</summary>
    public sealed record DiagramResponse(ItemId Id, string Mermaid, IReadOnlyList<Alliance.Workflows.Visualisation.RouteStep> Steps);

    public static async Task<Results<Created<SubmittedItem>, Ok<SubmittedItem>>> Submit(
        SubmitItemRequest request, AccessScope scope, ItemOperations items, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        var (item, replayed) = await items.SubmitAsync(scope, request, idempotencyKey, cancellationToken);
        var body = new SubmittedItem(item.Id, item.Status, item.Sequence);
        return replayed ? TypedResults.Ok(body) : TypedResults.Created($"/api/items/{item.Id}", body);
    }

    public static async Task<Ok<ItemPage>> List(
        AccessScope scope, ItemOperations items, ItemKind? kind, string? status, AllianceId? alliance, bool? mine, bool? overdue, string? search, int? page,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await items.ListAsync(scope, new ItemFilter(kind, status, alliance, mine, overdue, search, page), cancellationToken));

    public static async Task<Ok<ItemDetail>> Get(ItemId id, AccessScope scope, ItemOperations items, CancellationToken cancellationToken) =>
        TypedResults.Ok(await items.GetAsync(scope, id, cancellationToken));

    public static async Task<Ok<DiagramResponse>> Diagram(ItemId id, AccessScope scope, ItemOperations items, CancellationToken cancellationToken) =>
        TypedResults.Ok(await items.DiagramAsync(scope, id, cancellationToken));

    internal static StepView Step(ItemTask t, DateTime now) =>
        new(t.Id, t.Step, t.TitleZh, t.TitleEn, t.CandidateRole, [.. t.Candidates()], t.ClaimedBy, t.HolderOrganisationId, t.DeadlineUtc, t.Escalated,
            t.OverdueUtc is not null || (t.IsOpen && t.DeadlineUtc <= now), t.OpenedUtc, t.ClosedUtc, t.Outcome, t.CompletedBy, t.Comment);

    /// <summary>
    /// Items the caller can see: those submitted by or hosted at an organisation they see (a street sees its
    /// communities' items, the district all), and those routed to an organisation they act for (a task it holds or
    /// is a candidate for, or a 督办 entry of its street). The routing is tested inside the one query, per item, through
    /// the indexes on the task's item and the candidate's task: an organisation's history of routed items is never
    /// read into the query as a list, which grew with every item it was ever sent (one SQL parameter per item).
    /// </summary>
    public static IQueryable<Item> Visible(AllianceDbContext db, AccessScope scope)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        var items = db.Set<Item>().AsNoTracking();
        if (scope.IsDistrictAdmin)
        {
            return items;
        }

        var visible = scope.VisibleOrganisationIds.ToList();
        var acting = scope.ActingOrganisationIds.ToList();
        return items.Where(i => visible.Contains(i.SubmitterOrganisationId) || visible.Contains(i.HostOrganisationId)
            || db.Set<ItemTask>().Any(t => t.ItemId == i.Id
                && ((t.HolderOrganisationId != null && acting.Contains(t.HolderOrganisationId.Value))
                    || db.Set<ItemTaskCandidate>().Any(c => c.TaskId == t.Id && acting.Contains(c.OrganisationId))))
            || db.Set<SupervisionEntry>().Any(e => e.ItemId == i.Id && acting.Contains(e.StreetId)));
    }

    public static async Task<Item> FindVisibleAsync(AllianceDbContext db, AccessScope scope, ItemId id, CancellationToken cancellationToken) =>
        await Visible(db, scope).SingleOrDefaultAsync(i => i.Id == id, cancellationToken)
            ?? throw new NotFoundProblem(Thing);
}
