using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Workflows;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Items.TasksApi;

namespace Alliance.Server.Features.Items;

/// <summary>
/// The human tasks of items' routes, as people act on them: the inbox, claim, complete, delegate. Tasks are read from the
/// items' own projection (<see cref="ItemTask"/>), never from the runtime's tables; each action is one runtime call whose
/// commit carries the item's projection (<see cref="ItemCommand"/>). Every caller (API, web UI, other features) comes here.
/// </summary>
public sealed class TaskOperations(AllianceDbContext db, WorkflowRuntime runtime, ItemSync sync)
{
    /// <summary>Outcomes that must come with a reason (the comment): sending back, refusing, escalating, deferring.</summary>
    public static readonly IReadOnlySet<string> ReasonRequired = new HashSet<string>(StringComparer.Ordinal)
    {
        "return", "reject", "unsatisfied", "escalate", "defer", "unable",
    };

    /// <summary>
    /// The caller's open tasks (of one item, with <paramref name="item"/>): held by them, handed to them, or offered to an
    /// organisation they act for with a role they hold there; earliest deadline first.
    /// </summary>
    public async Task<List<TaskView>> InboxAsync(AccessScope scope, CancellationToken cancellationToken, ItemId? item = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var me = scope.UserId?.ToString();
        var roles = WorkflowRoles.ByOrganisation(scope);
        var held = roles.Values.SelectMany(r => r).Distinct().ToList();
        var acting = roles.Keys.ToList();
        var open = db.Set<ItemTask>().AsNoTracking().Where(t => t.ClosedUtc == null);
        if (item is { } only)
        {
            open = open.Where(t => t.ItemId == only);
        }

        // Each task with its open item in one query (a join, not the tasks' item ids sent back as one parameter each).
        var candidates = await open
            .Where(t => t.ClaimedBy == me || t.DelegatedTo == me
                || (t.ClaimedBy == null && t.CandidateRole != null && held.Contains(t.CandidateRole)
                    && (t.CandidateOrganisations == null || t.CandidateOrganisations == ""
                        || db.Set<ItemTaskCandidate>().Any(c => c.TaskId == t.Id && acting.Contains(c.OrganisationId)))))
            .Join(db.Set<Item>().AsNoTracking().Where(i => i.ClosedUtc == null), t => t.ItemId, i => i.Id, (t, i) => new { Task = t, Item = i })
            .ToListAsync(cancellationToken);
        return [.. candidates.Where(c => ActorFor(scope, c.Task) is not null)
            .OrderBy(c => c.Task.DeadlineUtc ?? DateTime.MaxValue).ThenBy(c => c.Task.OpenedUtc)
            .Select(c => View(c.Task, c.Item))];
    }

    public async Task<TaskResult> ClaimAsync(AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        var (task, item, actor) = await ActionableAsync(scope, id, cancellationToken);
        var organisation = Organisation(actor);
        var saved = await sync.ActAsync(new ItemCommand
        {
            ItemId = item.Id,
            Name = "task.claimed",
            Actor = actor.Id,
            OnBehalfOf = organisation,
            Scope = scope,
            Always = true,
            Task = new TaskChange(id) { Holder = organisation, OnlyIfOpen = true },
        }, context => runtime.ClaimAsync(new BookmarkId(task.Id), actor, context, cancellationToken), cancellationToken);
        return new TaskResult(id, saved.Id, saved.Status, saved.Sequence);
    }

    public async Task<TaskResult> CompleteAsync(AccessScope scope, Guid id, CompleteTaskRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Text("outcome", request.Outcome, new("办理结果", "outcome"), 50);
        errors.Text("comment", request.Comment, new("意见", "comment"), 2000, required: request.Outcome is not null && ReasonRequired.Contains(request.Outcome));
        errors.ThrowIfAny();
        var (task, item, actor) = await ActionableAsync(scope, id, cancellationToken);
        if (request.Outcome == "assign")
        {
            await CheckAssignedUnitsAsync(item, task, request.Fields, cancellationToken);
        }

        if (request.Outcome == "resolve" && request.Fields?["startJointTask"]?.GetValueKind() == JsonValueKind.True
            && request.Fields["dueDate"] is null && item.DesiredDate is null)
        {
            throw ValidationProblem.For("fields.dueDate", "启动实事共办须填写完成日期。", "Starting a joint task needs a due date.");
        }

        var organisation = Organisation(actor);
        var comment = request.Comment?.Trim();
        var saved = await sync.ActAsync(new ItemCommand
        {
            ItemId = item.Id,
            Name = "task.completed",
            Actor = actor.Id,
            OnBehalfOf = organisation,
            Scope = scope,
            Always = true,
            Task = new TaskChange(id) { Holder = organisation, HolderIfUnset = true, Outcome = request.Outcome, CompletedBy = actor.Id, Comment = comment },
        }, context => runtime.CompleteAsync(new BookmarkId(task.Id), actor, request.Outcome!, comment, request.Fields, context, cancellationToken), cancellationToken);
        return new TaskResult(id, saved.Id, saved.Status, saved.Sequence);
    }

    public async Task<TaskResult> DelegateAsync(AccessScope scope, Guid id, DelegateTaskRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("toUserId", request.ToUserId, new("接收人", "person to hand over to"));
        errors.Text("comment", request.Comment, new("意见", "comment"), 2000, required: false);
        errors.ThrowIfAny();
        var (task, item, actor) = await ActionableAsync(scope, id, cancellationToken);
        var to = request.ToUserId!.Value;
        var reachable = await db.RoleGrants.AsNoTracking().Where(g => g.UserId == to && g.RevokedAt == null)
            .Select(g => g.OrganisationId).ToListAsync(cancellationToken);
        if (!reachable.Exists(o => scope.CanSeeOrganisation(o) || task.IsCandidateOrganisation(o)))
        {
            throw ValidationProblem.For("toUserId", "接收人不存在，或您无权查看。", "The person does not exist, or is not visible to you.");
        }

        var holder = reachable.Find(o => task.Candidates().Contains(o)) is { } held && held != default ? held : (OrganisationId?)null;
        var saved = await sync.ActAsync(new ItemCommand
        {
            ItemId = item.Id,
            Name = "task.delegated",
            Actor = actor.Id,
            OnBehalfOf = Organisation(actor),
            Scope = scope,
            Always = true,
            Task = new TaskChange(id) { Holder = holder, OnlyIfOpen = true, Comment = request.Comment?.Trim() },
        }, context => runtime.DelegateAsync(new BookmarkId(task.Id), actor, to.ToString(), context, cancellationToken), cancellationToken);
        return new TaskResult(id, saved.Id, saved.Status, saved.Sequence);
    }

    /// <summary>
    /// Whom the caller may hand a task over to (转交): the other people with an active role in an organisation the caller
    /// acts for and the task is offered to (any organisation the caller acts for, when the task names none), by name.
    /// The same checks as acting on the task: 404 out of scope, 403 not the caller's, 409 closed.
    /// </summary>
    public async Task<List<HandOverCandidate>> HandOverCandidatesAsync(AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        var (task, _, _) = await ActionableAsync(scope, id, cancellationToken);
        var offered = task.Candidates().ToHashSet();
        var organisations = scope.ActingOrganisationIds.Where(o => offered.Count == 0 || offered.Contains(o)).ToList();
        var me = scope.UserId;
        var people = await (
            from grant in db.RoleGrants.AsNoTracking()
            where grant.RevokedAt == null && organisations.Contains(grant.OrganisationId) && grant.UserId != me
            join user in db.Users.AsNoTracking() on grant.UserId equals user.Id
            join organisation in db.Organisations.AsNoTracking() on grant.OrganisationId equals organisation.Id
            select new { user.Id, user.DisplayName, organisation.Name }).ToListAsync(cancellationToken);
        return [.. people.DistinctBy(p => p.Id).Select(p => new HandOverCandidate(p.Id, p.DisplayName, p.Name))
            .OrderBy(p => p.Organisation, StringComparer.Ordinal).ThenBy(p => p.DisplayName, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The open task, its item and the caller as an actor on it. A task the caller cannot act on and whose item they
    /// cannot see is 404; one they can see but not act on is 403; a task that closed, or an item that closed, is 409.
    /// </summary>
    private async Task<(ItemTask Task, Item Item, Actor Actor)> ActionableAsync(AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        var task = await db.Set<ItemTask>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        var item = task is null ? null : await db.Set<Item>().AsNoTracking().SingleOrDefaultAsync(i => i.Id == task.ItemId, cancellationToken);
        if (task is null || item is null)
        {
            throw new NotFoundProblem(Thing);
        }

        var actor = task.IsOpen ? ActorFor(scope, task) : null;
        if (actor is null && !await ItemsApi.Visible(db, scope).AnyAsync(i => i.Id == item.Id, cancellationToken))
        {
            throw new NotFoundProblem(Thing);
        }

        if (item.IsClosed)
        {
            throw new ConflictProblem("item.closed", new("该事项已办结，不能再办理其任务。", "The item is closed; its tasks can no longer be acted on."));
        }

        if (!task.IsOpen)
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

    /// <summary>The actor the caller is on <paramref name="task"/>: for an organisation it is offered to with the role it asks, else as its holder; null if neither.</summary>
    internal static Actor? ActorFor(AccessScope scope, ItemTask task)
    {
        var me = scope.UserId?.ToString();
        if (me is null)
        {
            return null;
        }

        foreach (var (organisation, held) in WorkflowRoles.ByOrganisation(scope))
        {
            if (task.CandidateRole is not null && held.Contains(task.CandidateRole) && task.IsCandidateOrganisation(organisation))
            {
                return new Actor(me, held, organisation.ToString());
            }
        }

        return task.ClaimedBy == me || task.DelegatedTo == me ? new Actor(me, [], null) : null;
    }

    /// <summary>
    /// The units an "assign" names must be member units of the item's alliance: one (<c>unitId</c>) when the chair
    /// assigns an unclaimed joint task, one or more (<c>unitIds</c>, each gets its own task) when the chair decides an
    /// urgent item. A field the task does not have is left to the runtime's form check.
    /// </summary>
    private async Task CheckAssignedUnitsAsync(Item item, ItemTask task, JsonObject? fields, CancellationToken cancellationToken)
    {
        var several = task.Fields.Exists(f => f.Name == "unitIds");
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
            throw ValidationProblem.For("fields." + field,
                several ? "请选择本联盟的一个或多个成员单位。" : "请选择本联盟的一个成员单位。",
                several ? "Choose one or more member units of the alliance." : "Choose a member unit of the alliance.");
        }
    }

    private static OrganisationId? Organisation(Actor actor) =>
        OrganisationId.TryParse(actor.OrganisationId, out var id) && actor.OrganisationId is not null ? id : null;

    private static TaskView View(ItemTask t, Item item) =>
        new(t.Id, item.Id, item.Kind, item.Title, t.Step, t.TitleZh, t.TitleEn, t.CandidateRole, [.. t.Candidates()],
            t.ClaimedBy, t.DeadlineUtc, t.Escalated, t.AllowedOutcomes,
            [.. t.Fields.Select(f => new FieldView(f.Name, f.Type.ToString().ToLowerInvariant(), f.Required, f.MaxLength, f.Min, f.Max, f.Options))]);
}
