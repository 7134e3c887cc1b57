using System.Text.Json;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Workflows;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Items.ItemsApi;

namespace Alliance.Server.Features.Items;

/// <summary>
/// What callers do with items: submit one (its route starts and the item is created in the route's first commit), list,
/// read and draw them. Every caller (the API, the web UI, other features) comes here; scope and rules are checked here,
/// and refusals are the problem exceptions (400, 403, 404, 409).
/// </summary>
public sealed class ItemOperations(AllianceDbContext db, WorkflowRuntime runtime, TimeProvider time)
{
    /// <summary>The longest idempotency key a client may send.</summary>
    public const int MaxIdempotencyKey = 100;

    /// <summary>
    /// Submits an item: validates the request, starts its route with the item created in the route's first commit, and
    /// returns the item as it stands after that commit. With <paramref name="idempotencyKey"/>, a retry of the same request
    /// by the same person (a phone on a weak network) returns the item the first one created, with <c>Replayed</c> true,
    /// whether or not the first answer arrived.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(AccessScope scope, SubmitItemRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(request);
        if (idempotencyKey is { Length: 0 or > MaxIdempotencyKey })
        {
            throw ValidationProblem.For("Idempotency-Key", $"幂等键须为 1 到 {MaxIdempotencyKey} 个字符。", $"The idempotency key must have 1 to {MaxIdempotencyKey} characters.");
        }

        if (idempotencyKey is not null && await FindSubmittedAsync(scope, idempotencyKey, cancellationToken) is { } earlier)
        {
            return new SubmitResult(earlier, Replayed: true);
        }

        var (alliance, members) = await ValidateAsync(scope, request, cancellationToken);
        var submitter = SubmitterFor(scope, alliance, members)
            ?? throw new ForbiddenProblem("item.not-member", new(
                "只有联盟的牵头组织或成员单位可以提交事项。", "Only the alliance's host organisation or a member may submit an item to it."));
        var host = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == alliance.HostOrganisationId, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var item = new Item
        {
            Id = ItemId.New(),
            Kind = request.Kind!.Value,
            Title = request.Title!.Trim(),
            Description = request.Description!.Trim(),
            Category = request.Category!.Trim(),
            AllianceId = alliance.Id,
            HostOrganisationId = host.Id,
            StreetId = host.StreetOfHost(),
            Scope = request.Scope ?? ItemScope.Alliance,
            DesiredDate = request.DesiredDate,
            DesignatedUnitId = request.DesignatedUnitId,
            SubmitterOrganisationId = submitter,
            SubmittedBy = scope.UserId,
            IdempotencyKey = idempotencyKey,
            CreatedUtc = now,
            UpdatedUtc = now,
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
        try
        {
            await ItemRoutes.StartAsync(runtime, item, input, actor, scope, submitter, null, null, cancellationToken);
        }
        catch (WorkflowConcurrencyException ex) when (idempotencyKey is not null && ex.InnerException is DbUpdateException)
        {
            // the same request sent twice at once: the key is unique per person, so the other one's item stands
            return new SubmitResult(await FindSubmittedAsync(scope, idempotencyKey, CancellationToken.None) ?? throw new ConflictProblem("item.concurrent-submission",
                new("同一提交正在处理，请稍后重试。", "The same submission is being processed; try again shortly.")), Replayed: true);
        }

        db.ChangeTracker.Clear();
        return new SubmitResult(await db.Set<Item>().AsNoTracking().SingleAsync(i => i.Id == item.Id, cancellationToken), Replayed: false);
    }

    /// <summary>The item this person submitted with this key, if any.</summary>
    private Task<Item?> FindSubmittedAsync(AccessScope scope, string key, CancellationToken cancellationToken) =>
        db.Set<Item>().AsNoTracking().SingleOrDefaultAsync(i => i.SubmittedBy == scope.UserId && i.IdempotencyKey == key, cancellationToken);

    private async Task<(PartyAlliance Alliance, List<Organisation> Members)> ValidateAsync(AccessScope scope, SubmitItemRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Required("kind", request.Kind, new("事项类型", "kind"));
        if (request.Kind == ItemKind.Commitment)
        {
            errors.Add("kind", "共建承诺请通过 /api/commitments 起草和提交。", "Commitments are drafted and submitted through /api/commitments.");
        }

        if (request.Kind == ItemKind.ResourceRequest)
        {
            errors.Add("kind", "使用共享资源请通过 /api/resources/{id}/bookings 预约。", "Resource requests are made through /api/resources/{id}/bookings.");
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
            else
            {
                CategoryVocabulary.Check(errors, "category", request.Category, alliance.Rules.Categories);
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

        errors.ThrowIfAny();
        return (alliance!, members);
    }

    /// <summary>Items in the caller's scope, filtered, newest first, a page at a time.</summary>
    public async Task<ItemPage> ListAsync(AccessScope scope, ItemFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = Visible(db, scope);
        if (filter.Kind is { } k)
        {
            query = query.Where(i => i.Kind == k);
        }

        if (!string.IsNullOrWhiteSpace(filter.Status))
        {
            query = query.Where(i => i.Status == filter.Status);
        }

        if (filter.Alliance is { } a)
        {
            query = query.Where(i => i.AllianceId == a);
        }

        if (filter.Mine == true)
        {
            var acting = scope.ActingOrganisationIds.ToList();
            query = query.Where(i => i.SubmittedBy == scope.UserId || acting.Contains(i.SubmitterOrganisationId));
        }

        if (filter.Overdue is { } o)
        {
            query = query.Where(i => i.Overdue == o);
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var text = filter.Search.Trim();
            query = query.Where(i => i.Title.Contains(text) || i.Category.Contains(text));
        }

        var number = Math.Max(1, filter.Page ?? 1);
        var size = Math.Clamp(filter.PageSize ?? PageSize, 1, 200);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(i => i.CreatedUtc).ThenBy(i => i.Id)
            .Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        return new ItemPage(number, size, total, [.. items.Select(i => new ItemSummary(
            i.Id, i.Kind, i.Title, i.Category, i.AllianceId, i.Scope, i.Status, i.Overdue, i.Escalated, i.SubmitterOrganisationId, i.DesiredDate,
            i.CreatedUtc, i.ClosedUtc))]);
    }

    /// <summary>An item with its current steps, who holds them, deadlines, its timeline and the items it started; 404 out of scope.</summary>
    public async Task<ItemDetail> GetAsync(AccessScope scope, ItemId id, CancellationToken cancellationToken)
    {
        var item = await FindVisibleAsync(db, scope, id, cancellationToken);
        var tasks = await db.Set<ItemTask>().AsNoTracking().Where(t => t.ItemId == id).ToListAsync(cancellationToken);
        var events = await db.Set<ItemEventRecord>().AsNoTracking().Where(e => e.ItemId == id).OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
        var children = await Visible(db, scope).Where(i => i.ParentItemId == id).OrderBy(i => i.CreatedUtc)
            .Select(i => new LinkedItem(i.Id, i.Kind, i.AllianceId, i.Status, i.CreatedUtc, i.ClosedUtc)).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return new ItemDetail(
            item.Id, item.Kind, item.Title, item.Description, item.Category, item.AllianceId, item.HostOrganisationId, item.StreetId, item.Scope,
            item.DesiredDate, item.DesignatedUnitId, item.Status, item.Overdue, item.Escalated, item.SubmitterOrganisationId, item.SubmittedBy,
            item.WorkflowInstanceId, item.ParentItemId, item.Sequence, item.CreatedUtc, item.ClosedUtc,
            [.. tasks.Where(t => t.IsOpen).OrderBy(t => t.OpenedUtc).Select(t => Step(t, now))],
            [.. tasks.Where(t => !t.IsOpen).OrderBy(t => t.ClosedUtc).Select(t => Step(t, now))],
            [.. events.Select(e => new TimelineEntry(e.Sequence, e.Type, e.AtUtc, e.Actor, JsonSerializer.Deserialize<JsonElement>(e.PayloadJson)))],
            children);
    }

    /// <summary>The item's route as a Mermaid flowchart and as its steps in order, with its position; 404 out of scope.</summary>
    public async Task<DiagramResponse> DiagramAsync(AccessScope scope, ItemId id, CancellationToken cancellationToken)
    {
        var item = await FindVisibleAsync(db, scope, id, cancellationToken);
        var (mermaid, steps) = await runtime.ExportRouteAsync(new InstanceId(item.WorkflowInstanceId), cancellationToken);
        return new DiagramResponse(item.Id, mermaid, steps);
    }

    /// <summary>The item's route as its steps in order (the item page's 流程), without the Mermaid text; 404 out of scope.</summary>
    public async Task<IReadOnlyList<Alliance.Workflows.Visualisation.RouteStep>> RouteAsync(AccessScope scope, ItemId id, CancellationToken cancellationToken)
    {
        var item = await FindVisibleAsync(db, scope, id, cancellationToken);
        return await runtime.RouteMapAsync(new InstanceId(item.WorkflowInstanceId), cancellationToken);
    }

    /// <summary>The organisation the caller submits for: the alliance's host if they act for it, else a member they act for.</summary>
    private static OrganisationId? SubmitterFor(AccessScope scope, PartyAlliance alliance, IReadOnlyList<Organisation> members)
    {
        if (scope.CanActFor(alliance.HostOrganisationId))
        {
            return alliance.HostOrganisationId;
        }

        return members.FirstOrDefault(m => scope.CanActFor(m.Id))?.Id;
    }
}

/// <summary>The item a submission created (or, for a replayed idempotency key, had created before).</summary>
public sealed record SubmitResult(Item Item, bool Replayed);

/// <summary>What a list of items is filtered by; null members do not filter.</summary>
public sealed record ItemFilter(
    ItemKind? Kind = null, string? Status = null, AllianceId? Alliance = null, bool? Mine = null, bool? Overdue = null, string? Search = null, int? Page = null,
    int? PageSize = null);
