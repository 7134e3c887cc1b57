using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Workflows;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Items;

/// <summary>The inbox: open human tasks of items' routes, for the caller and the organisations they act for.</summary>
public static class TasksApi
{
    public static readonly BilingualText Thing = new("任务", "task");

    /// <summary>Outcomes that must come with a reason (the comment): sending back, refusing, escalating, deferring.</summary>
    public static readonly IReadOnlySet<string> ReasonRequired = new HashSet<string>(StringComparer.Ordinal)
    {
        "return", "reject", "unsatisfied", "escalate", "defer", "unable",
    };

    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization();
        api.MapGet("/", Inbox).WithName("ListMyTasks")
            .WithSummary("The caller's inbox: open tasks for them and their organisations, with allowed outcomes and form fields / 我的待办");
        api.MapPost("/{id:guid}/claim", Claim).WithName("ClaimTask").WithSummary("Claim a task; the first claim wins / 认领任务");
        api.MapPost("/{id:guid}/complete", Complete).WithName("CompleteTask")
            .WithSummary("Complete a task with an allowed outcome, a comment and the form fields / 办结任务");
        api.MapPost("/{id:guid}/delegate", Delegate).WithName("DelegateTask").WithSummary("Hand a task to someone else / 转交任务");
        return app;
    }

    public sealed record FieldView(string Name, string Type, bool Required, int? MaxLength, double? Min, double? Max, IReadOnlyList<string>? Options);

    public sealed record TaskView(
        Guid Id, ItemId ItemId, ItemKind ItemKind, string ItemTitle, string Step, string? TitleZh, string? TitleEn, string? Role,
        IReadOnlyList<OrganisationId> Candidates, string? ClaimedBy, DateTime? DeadlineUtc, bool Escalated, IReadOnlyList<string> Outcomes,
        IReadOnlyList<FieldView> Fields);

    public sealed record CompleteTaskRequest(string? Outcome, string? Comment, JsonObject? Fields);

    public sealed record DelegateTaskRequest(Guid? ToUserId, string? Comment);

    public sealed record TaskResult(Guid TaskId, ItemId ItemId, string ItemStatus, long Sequence);

    public static async Task<Ok<List<TaskView>>> Inbox(AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        var me = scope.UserId?.ToString();
        var roles = WorkflowRoles.ByOrganisation(scope).Values.SelectMany(r => r).Distinct().ToList();
        var bookmarks = await db.Set<Bookmark>().AsNoTracking()
            .Where(b => b.Kind == BookmarkKind.HumanTask
                && (b.ClaimedBy == me || b.DelegatedTo == me || (b.ClaimedBy == null && b.CandidateRole != null && roles.Contains(b.CandidateRole))))
            .ToListAsync(cancellationToken);
        var mine = bookmarks.Where(b => (b.ClaimedBy is null || b.ClaimedBy == me) && WorkflowRoles.ActorFor(scope, b) is not null).ToList();
        var instanceIds = mine.Select(b => b.InstanceId.Value).Distinct().ToList();
        var items = await db.Set<Item>().AsNoTracking().Where(i => instanceIds.Contains(i.WorkflowInstanceId)).ToDictionaryAsync(i => i.WorkflowInstanceId, cancellationToken);
        return TypedResults.Ok(mine.Where(b => items.ContainsKey(b.InstanceId.Value)).OrderBy(b => b.DeadlineUtc ?? DateTime.MaxValue).ThenBy(b => b.CreatedUtc)
            .Select(b => View(b, items[b.InstanceId.Value])).ToList());
    }

    public static async Task<Ok<TaskResult>> Claim(Guid id, AccessScope scope, AllianceDbContext db, WorkflowRuntime runtime, ItemSync sync, CancellationToken cancellationToken)
    {
        var (task, item, actor) = await ActionableAsync(db, scope, id, cancellationToken);
        var organisation = Organisation(actor);
        var saved = await sync.ActAsync(new ItemAction
        {
            ItemId = item.Id,
            Name = "task.claimed",
            Actor = actor.Id,
            OnBehalfOf = organisation,
            Scope = scope,
            Always = true,
            Before = (_, tasks, _) =>
            {
                if (tasks.Find(t => t.Id == id) is { IsOpen: true } tracked && organisation is not null)
                {
                    tracked.HolderOrganisationId = organisation;
                }
            },
        }, () => runtime.ClaimAsync(task.Id, actor, cancellationToken), cancellationToken);
        return TypedResults.Ok(new TaskResult(id, saved.Id, saved.Status, saved.Sequence));
    }

    public static async Task<Ok<TaskResult>> Complete(
        Guid id, CompleteTaskRequest request, AccessScope scope, AllianceDbContext db, WorkflowRuntime runtime, ItemSync sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Text("outcome", request.Outcome, new("办理结果", "outcome"), 50);
        errors.Text("comment", request.Comment, new("意见", "comment"), 2000, required: request.Outcome is not null && ReasonRequired.Contains(request.Outcome));
        errors.ThrowIfAny();
        var (task, item, actor) = await ActionableAsync(db, scope, id, cancellationToken);
        if (request.Outcome == "assign")
        {
            await CheckAssignedUnitsAsync(db, item, task, request.Fields, cancellationToken);
        }

        if (request.Outcome == "resolve" && request.Fields?["startJointTask"]?.GetValueKind() == JsonValueKind.True
            && request.Fields["dueDate"] is null && item.DesiredDate is null)
        {
            throw Alliance.Server.Infrastructure.Problems.ValidationProblem.For("fields.dueDate", "启动实事共办须填写完成日期。", "Starting a joint task needs a due date.");
        }

        var organisation = Organisation(actor);
        var saved = await sync.ActAsync(new ItemAction
        {
            ItemId = item.Id,
            Name = "task.completed",
            Actor = actor.Id,
            OnBehalfOf = organisation,
            Scope = scope,
            Always = true,
            Before = (_, tasks, _) =>
            {
                if (tasks.Find(t => t.Id == id) is { } tracked)
                {
                    tracked.Outcome = request.Outcome;
                    tracked.CompletedBy = actor.Id;
                    tracked.Comment = request.Comment?.Trim();
                    tracked.HolderOrganisationId ??= organisation;
                }
            },
        }, () => runtime.CompleteAsync(task.Id, actor, request.Outcome!, request.Comment?.Trim(), request.Fields, cancellationToken), cancellationToken);
        return TypedResults.Ok(new TaskResult(id, saved.Id, saved.Status, saved.Sequence));
    }

    public static async Task<Ok<TaskResult>> Delegate(
        Guid id, DelegateTaskRequest request, AccessScope scope, AllianceDbContext db, WorkflowRuntime runtime, ItemSync sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("toUserId", request.ToUserId, new("接收人", "person to hand over to"));
        errors.ThrowIfAny();
        var (task, item, actor) = await ActionableAsync(db, scope, id, cancellationToken);
        var to = request.ToUserId!.Value;
        var reachable = await db.RoleGrants.AsNoTracking().Where(g => g.UserId == to && g.RevokedAt == null)
            .Select(g => g.OrganisationId).ToListAsync(cancellationToken);
        if (!reachable.Exists(o => scope.CanSeeOrganisation(o) || task.IsCandidateOrganisation(o.ToString())))
        {
            throw Alliance.Server.Infrastructure.Problems.ValidationProblem.For("toUserId", "接收人不存在，或您无权查看。", "The person does not exist, or is not visible to you.");
        }

        var saved = await sync.ActAsync(new ItemAction
        {
            ItemId = item.Id,
            Name = "task.delegated",
            Actor = actor.Id,
            OnBehalfOf = Organisation(actor),
            Scope = scope,
            Always = true,
            Before = (_, tasks, _) =>
            {
                if (tasks.Find(t => t.Id == id) is { IsOpen: true } tracked)
                {
                    tracked.HolderOrganisationId = reachable.Find(o => tracked.Candidates().Contains(o)) is { } held && held != default ? held : tracked.HolderOrganisationId;
                    tracked.Comment = request.Comment?.Trim();
                }
            },
        }, () => runtime.DelegateAsync(task.Id, actor, to.ToString(), cancellationToken), cancellationToken);
        return TypedResults.Ok(new TaskResult(id, saved.Id, saved.Status, saved.Sequence));
    }

    /// <summary>
    /// The open task, its item and the caller as an actor on it. A task the caller cannot act on and whose item they
    /// cannot see is 404; one they can see but not act on is 403; a task that closed, or an item that closed, is 409.
    /// </summary>
    private static async Task<(Bookmark Task, Item Item, Actor Actor)> ActionableAsync(AllianceDbContext db, AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        var task = await db.Set<Bookmark>().AsNoTracking().SingleOrDefaultAsync(b => b.Id == new BookmarkId(id) && b.Kind == BookmarkKind.HumanTask, cancellationToken);
        var actor = task is null ? null : WorkflowRoles.ActorFor(scope, task);
        var instanceId = task?.InstanceId.Value
            ?? await db.Set<ItemTask>().AsNoTracking().Where(t => t.Id == id)
                .Join(db.Set<Item>(), t => t.ItemId, i => i.Id, (_, i) => (Guid?)i.WorkflowInstanceId).SingleOrDefaultAsync(cancellationToken);
        var item = instanceId is null ? null : await db.Set<Item>().AsNoTracking().SingleOrDefaultAsync(i => i.WorkflowInstanceId == instanceId, cancellationToken);
        if (item is null)
        {
            throw new NotFoundProblem(Thing);
        }

        if (actor is null && !await (await ItemsApi.VisibleAsync(db, scope, cancellationToken)).AnyAsync(i => i.Id == item.Id, cancellationToken))
        {
            throw new NotFoundProblem(Thing);
        }

        if (item.IsClosed)
        {
            throw new ConflictProblem("item.closed", new("该事项已办结，不能再办理其任务。", "The item is closed; its tasks can no longer be acted on."));
        }

        if (task is null)
        {
            throw new ConflictProblem("task.closed", new("该任务已办结或已关闭。", "The task is already completed or closed."));
        }

        if (task.ClaimedBy is { } holder && holder != scope.UserId?.ToString() && task.DelegatedTo != scope.UserId?.ToString())
        {
            throw new ConflictProblem("task.already-taken", new("该任务已被他人认领。", "The task has already been taken by someone else."));
        }

        return actor is null
            ? throw new ForbiddenProblem("task.not-candidate", new("您可以查看该事项，但不是该任务的办理人。", "You can see this item but are not a candidate for this task."))
            : (task, item, actor);
    }

    /// <summary>
    /// The units an "assign" names must be member units of the item's alliance: one (<c>unitId</c>) when the chair
    /// assigns an unclaimed joint task, one or more (<c>unitIds</c>, each gets its own task) when the chair decides an
    /// urgent item. A field the task does not have is left to the runtime's form check.
    /// </summary>
    private static async Task CheckAssignedUnitsAsync(AllianceDbContext db, Item item, Bookmark task, JsonObject? fields, CancellationToken cancellationToken)
    {
        var several = task.Fields.Any(f => f.Name == "unitIds");
        var field = several ? "unitIds" : "unitId";
        var named = fields?[field] switch
        {
            JsonArray list => list.Select(u => u?.GetValueKind() == JsonValueKind.String ? u.GetValue<string>() : null).ToList(),
            JsonValue one when one.GetValueKind() == JsonValueKind.String => [one.GetValue<string>()],
            _ => [],
        };
        var members = await ItemRoutes.MembersAsync(db, item.AllianceId, cancellationToken);
        if (named.Count == 0 || !named.TrueForAll(u => members.Exists(m => m.Kind == OrganisationKind.Unit && m.Id.ToString() == u)))
        {
            throw Alliance.Server.Infrastructure.Problems.ValidationProblem.For("fields." + field,
                several ? "请选择本联盟的一个或多个成员单位。" : "请选择本联盟的一个成员单位。",
                several ? "Choose one or more member units of the alliance." : "Choose a member unit of the alliance.");
        }
    }

    private static OrganisationId? Organisation(Actor actor) =>
        OrganisationId.TryParse(actor.OrganisationId, out var id) && actor.OrganisationId is not null ? id : null;

    private static TaskView View(Bookmark b, Item item) =>
        new(b.Id.Value, item.Id, item.Kind, item.Title, b.ActivityId, b.TitleZh, b.TitleEn, b.CandidateRole,
            [.. (b.CandidateOrganisation ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => OrganisationId.TryParse(s, out var o) ? o : default)],
            b.ClaimedBy, b.DeadlineUtc, b.Escalated, b.AllowedOutcomes,
            [.. b.Fields.Select(f => new FieldView(f.Name, f.Type.ToString().ToLowerInvariant(), f.Required, f.MaxLength, f.Min, f.Max, f.Options))]);
}
