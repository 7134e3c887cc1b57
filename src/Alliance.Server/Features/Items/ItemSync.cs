using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Contracts.Items;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows;
using Alliance.Workflows.Activities;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Items;

/// <summary>
/// Keeps an item in step with its route. It reads the instance, its open tasks and its journal through its own context
/// (so, inside the runtime's transaction, it sees the commit being written), updates the item and its tracked tasks,
/// raises overdue flags and 督办 entries, and writes one event row per change, each with the item's next sequence
/// number, all in the same SaveChanges as the audit entry (<see cref="AuditTrail"/>). The event rows are the host's
/// outbox (<see cref="ItemEventDispatcher"/>) and the item's timeline. Every runtime commit of an item's route runs
/// this inside the commit's own transaction (<see cref="ItemCommitHook"/>); the supervision sweep
/// (<see cref="ItemSupervision"/>) runs it for what only the clock changes.
/// </summary>
public sealed class ItemSync(AllianceDbContext db, AuditTrail audit, TimeProvider time, IEnumerable<IItemProjection> projections)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const int MaxAttempts = 6;

    /// <summary>What an action on an item did before the projection runs (e.g. record who completed which task with what).</summary>
    public delegate void Before(Item item, List<ItemTask> tasks, List<ItemEventRecord> events);

    /// <summary>
    /// Runs <paramref name="runtimeCall"/> with <paramref name="action"/> current, so that the runtime's commit carries the
    /// item's projection under this action (its audit entry, its events). If no commit carried it (the call changed
    /// nothing, e.g. claiming one's own claim again), the action is saved and audited here on its own. Returns the item.
    /// </summary>
    public async Task<Item> ActAsync(ItemAction action, Func<Task> runtimeCall, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(runtimeCall);
        using (action.Begin())
        {
            await runtimeCall();
        }

        if (!action.Applied)
        {
            return await ApplyAsync(action.ItemId, action.Name, action.Actor, action.OnBehalfOf, action.Before, action.Always, cancellationToken);
        }

        db.ChangeTracker.Clear();
        return await db.Set<Item>().AsNoTracking().SingleAsync(i => i.Id == action.ItemId, cancellationToken);
    }

    /// <summary>
    /// Loads the item, lets <paramref name="before"/> act on it, projects the route onto it and saves with one audit
    /// entry, in a transaction of its own. A concurrent change to the same item (a runtime commit, the sweep, another
    /// node) is retried from a fresh load. With <paramref name="always"/> false nothing is saved (or audited) unless
    /// something changed.
    /// </summary>
    public async Task<Item> ApplyAsync(ItemId id, string action, string? actor, OrganisationId? onBehalfOf, Before? before, bool always, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ApplyOnceAsync(id, action, actor, onBehalfOf, before, always, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < MaxAttempts)
            {
                // another writer changed the item (revision) or took the same sequence number: redo from a fresh load
            }
        }
    }

    /// <summary>
    /// Inside a runtime commit's transaction (<see cref="ItemCommitHook"/>, whose context this is): projects the item once,
    /// under <paramref name="action"/> if it is about this item, else as the system (<c>item.synced</c>). A conflict is not
    /// retried here: it fails the runtime's commit, which the runtime redoes from a fresh load.
    /// </summary>
    internal Task<Item> ApplyInCommitAsync(ItemId id, ItemAction? action, CancellationToken cancellationToken) =>
        action is not null && action.ItemId == id
            ? ApplyOnceAsync(id, action.Name, action.Actor, action.OnBehalfOf, action.Before, action.Always, cancellationToken)
            : ApplyOnceAsync(id, "item.synced", "system", null, null, always: false, cancellationToken);

    private async Task<Item> ApplyOnceAsync(ItemId id, string action, string? actor, OrganisationId? onBehalfOf, Before? before, bool always, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var item = await db.Set<Item>().SingleAsync(i => i.Id == id, cancellationToken);
        var tasks = await db.Set<ItemTask>().Where(t => t.ItemId == id).ToListAsync(cancellationToken);
        var events = new List<ItemEventRecord>();
        before?.Invoke(item, tasks, events);
        await ProjectAsync(item, tasks, events, actor, cancellationToken);
        db.AddRange(events);
        if (events.Count == 0 && !always && !db.ChangeTracker.HasChanges())
        {
            return item;
        }

        item.Revision++;
        item.UpdatedUtc = time.GetUtcNow().UtcDateTime;
        await audit.SaveAsync(new AuditRecord(action, "item", id.ToString(), onBehalfOf, null,
            new { item.Status, item.Overdue, item.Escalated, item.Sequence, events = events.Select(e => e.Type) }), cancellationToken);
        return item;
    }

    /// <summary>Saves a new item whose route has just started: its <see cref="ItemSubmitted"/> event and what the route did at once.</summary>
    public Task<Item> SubmitAsync(Item item, OrganisationId onBehalfOf, CancellationToken cancellationToken) =>
        SubmitAsync(item, onBehalfOf, null, cancellationToken);

    /// <summary>
    /// As <see cref="SubmitAsync(Item, OrganisationId, CancellationToken)"/>, with <paramref name="alongside"/> run after the
    /// item's <see cref="ItemSubmitted"/> event and before the projection: what it adds to the context (the record the item
    /// was started for, its events) is saved in the same SaveChanges.
    /// </summary>
    public async Task<Item> SubmitAsync(Item item, OrganisationId onBehalfOf, Func<Item, List<ItemEventRecord>, Task>? alongside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        db.ChangeTracker.Clear();
        db.Add(item);
        var events = new List<ItemEventRecord>();
        Submitted(item, events, time);
        if (alongside is not null)
        {
            await alongside(item, events);
        }

        await ProjectAsync(item, [], events, item.SubmittedBy?.ToString(), cancellationToken);
        db.AddRange(events);
        await audit.SaveAsync(new AuditRecord("item.submitted", "item", item.Id.ToString(), onBehalfOf, null,
            new { item.Kind, item.Title, item.Category, item.AllianceId, item.Scope, item.DesiredDate, item.Status, item.WorkflowInstanceId }), cancellationToken);
        return item;
    }

    /// <summary>Adds the new item's <see cref="ItemSubmitted"/> event (the first of its sequence).</summary>
    public static void Submitted(Item item, List<ItemEventRecord> events, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        Emit(item, events, item.SubmittedBy?.ToString(), time, seq => new ItemSubmitted(item.Id.Value, item.AllianceId.Value, Concerned(item), seq,
            item.Kind.ToString(), item.Title, item.SubmittedBy));
    }

    private async Task ProjectAsync(Item item, List<ItemTask> tasks, List<ItemEventRecord> events, string? actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var instanceId = new InstanceId(item.WorkflowInstanceId);
        var instance = await db.Set<WorkflowInstance>().AsNoTracking().SingleOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
        if (instance is null)
        {
            return;
        }

        var open = await db.Set<Bookmark>().AsNoTracking().Where(b => b.InstanceId == instanceId && b.Kind == BookmarkKind.HumanTask)
            .OrderBy(b => b.CreatedUtc).ToListAsync(cancellationToken);
        foreach (var b in open)
        {
            var t = tasks.Find(x => x.Id == b.Id.Value);
            if (t is null)
            {
                t = new ItemTask
                {
                    Id = b.Id.Value,
                    ItemId = item.Id,
                    Step = b.ActivityId,
                    TitleZh = b.TitleZh,
                    TitleEn = b.TitleEn,
                    CandidateRole = b.CandidateRole,
                    CandidateOrganisations = b.CandidateOrganisation,
                    DeadlineUtc = b.DeadlineUtc,
                    OpenedUtc = now,
                };
                t.HolderOrganisationId = t.Candidates().Count() == 1 ? t.Candidates().First() : null;
                tasks.Add(t);
                db.Add(t);
                Emit(item, events, actor, time, seq => new TaskAssigned(item.Id.Value, item.AllianceId.Value, Concerned(item, t.Candidates()), seq,
                    t.Id, t.Step, t.TitleZh ?? t.Step, t.CandidateRole, Offset(t.DeadlineUtc)));
            }

            if (b.Escalated && !t.Escalated)
            {
                t.Escalated = true;
                t.CandidateRole = b.CandidateRole;
                t.CandidateOrganisations = b.CandidateOrganisation;
                t.ClaimedBy = null;
                t.HolderOrganisationId = t.Candidates().Count() == 1 ? t.Candidates().First() : null;
                item.Escalated = true;
                Emit(item, events, "system", time, seq => new ItemEscalated(item.Id.Value, item.AllianceId.Value, Concerned(item, t.Candidates()), seq,
                    $"deadline:{t.Step}", t.Candidates().FirstOrDefault().Value));
            }

            if (b.ClaimedBy is not null && b.ClaimedBy != t.ClaimedBy)
            {
                t.ClaimedBy = b.ClaimedBy;
                Emit(item, events, b.ClaimedBy, time, seq => new TaskClaimed(item.Id.Value, item.AllianceId.Value, Concerned(item, t.Candidates()), seq,
                    t.Id, t.Step, b.ClaimedBy));
            }

            t.DeadlineUtc = b.DeadlineUtc;
        }

        IReadOnlyList<JournalEntry>? journal = null;
        foreach (var t in tasks.Where(t => t.IsOpen && open.TrueForAll(b => b.Id.Value != t.Id)).OrderBy(t => t.OpenedUtc))
        {
            t.ClosedUtc = now;
            if (t.Outcome is null)
            {
                journal ??= await db.Set<JournalEntry>().AsNoTracking().Where(j => j.InstanceId == instanceId).OrderBy(j => j.Sequence).ToListAsync(cancellationToken);
                var last = journal.LastOrDefault(j => j.ActivityId == t.Step && j.Kind == JournalKind.Resumed && j.Actor == Actor.System.Id);
                t.Outcome = last?.Outcome is { Length: > 0 } o && !o.StartsWith("timer:", StringComparison.Ordinal) ? o : "closed";
                t.CompletedBy = "system";
            }

            Emit(item, events, t.CompletedBy, time, seq => new TaskCompleted(item.Id.Value, item.AllianceId.Value, Concerned(item, t.Candidates()), seq,
                t.Id, t.Step, t.Outcome!, t.CompletedBy, t.Comment));
        }

        // every status the route passed since the last projection, in order (several can pass within one step)
        var steps = await db.Set<JournalEntry>().AsNoTracking()
            .Where(j => j.InstanceId == instanceId && j.ActivityType == nameof(SetStatus))
            .OrderBy(j => j.AtUtc).ThenBy(j => j.Sequence).Skip(item.StatusSteps).Select(j => j.Detail).ToListAsync(cancellationToken);
        item.StatusSteps += steps.Count;
        foreach (var status in steps.Append(instance.BusinessStatus).OfType<string>())
        {
            ChangeStatus(item, events, actor, status);
        }

        if (instance.IsClosed && item.ClosedUtc is null)
        {
            item.ClosedUtc = now;
            item.Overdue = false;
            foreach (var entry in await db.Set<SupervisionEntry>().Where(e => e.ItemId == item.Id && e.ResolvedUtc == null).ToListAsync(cancellationToken))
            {
                entry.ResolvedUtc = now;
            }

            Emit(item, events, actor, time, seq => new ItemClosed(item.Id.Value, item.AllianceId.Value, Concerned(item), seq, item.Status));
        }

        foreach (var projection in projections.Where(p => p.Kind == item.Kind))
        {
            await projection.ProjectAsync(new ItemProjectionContext(item, instance, tasks, events, actor, time), cancellationToken);
        }

        await SuperviseAsync(item, tasks, events, now, cancellationToken);
        await AdoptChildrenAsync(item, instanceId, events, actor, cancellationToken);
    }

    private void ChangeStatus(Item item, List<ItemEventRecord> events, string? actor, string status)
    {
        if (status == item.Status)
        {
            return;
        }

        var from = item.Status;
        item.Status = status;
        Emit(item, events, actor, time, seq => new ItemStatusChanged(item.Id.Value, item.AllianceId.Value, Concerned(item), seq, from, status));
        if (status.StartsWith("escalated", StringComparison.Ordinal))
        {
            item.Escalated = true;
            Emit(item, events, actor, time, seq => new ItemEscalated(item.Id.Value, item.AllianceId.Value, Concerned(item, [item.StreetId]), seq,
                status, item.StreetId.Value));
        }
    }

    /// <summary>
    /// A route that started a child route gets an item for it, with the parent as <see cref="Item.ParentItemId"/>, so
    /// that its tasks reach the inbox like any other: a resolution, a passed decision or an urgent chair's decision
    /// starts a joint task (same alliance, ordered by the host); a community deliberation escalated for scope starts a
    /// deliberation of the street alliance (requested by the community, hosted by the street). The child's alliance,
    /// host, street and requester are the ones its route was started with (the parent's where it names none).
    /// </summary>
    private async Task AdoptChildrenAsync(Item parent, InstanceId instanceId, List<ItemEventRecord> events, string? actor, CancellationToken cancellationToken)
    {
        var children = await db.Set<WorkflowInstance>().AsNoTracking().Where(i => i.ParentInstanceId == instanceId).ToListAsync(cancellationToken);
        if (children.Count == 0)
        {
            return;
        }

        var ids = children.Select(c => c.Id.Value).ToList();
        var adopted = await db.Set<Item>().AsNoTracking().Where(i => ids.Contains(i.WorkflowInstanceId)).Select(i => i.WorkflowInstanceId).ToListAsync(cancellationToken);
        adopted.AddRange(db.ChangeTracker.Entries<Item>().Select(e => e.Entity.WorkflowInstanceId));
        foreach (var child in children.Where(c => !adopted.Contains(c.Id.Value)))
        {
            var units = child.Variables["candidateUnits"] is JsonArray array
                ? array.Select(u => u?.GetValue<string>()).OfType<string>().ToList()
                : [];
            var kind = child.DefinitionId == ItemRoutes.WorkflowOf(ItemKind.Deliberation) ? ItemKind.Deliberation : ItemKind.JointTask;
            var due = child.Variables["workDue"]?.GetValue<string>() is { } text && DateTime.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
                ? DateOnly.FromDateTime(at)
                : (DateOnly?)null;
            var item = new Item
            {
                Id = ItemId.New(),
                Kind = kind,
                Title = parent.Title,
                Description = parent.Description,
                Category = parent.Category,
                AllianceId = Guid.TryParse(child.Variables["allianceId"]?.GetValue<string>(), out var alliance) ? new AllianceId(alliance) : parent.AllianceId,
                HostOrganisationId = Organisation(child, "hostId") ?? parent.HostOrganisationId,
                StreetId = Organisation(child, "streetId") ?? parent.StreetId,
                Scope = child.Variables["scope"]?.GetValue<string>() == "street" ? ItemScope.Street : parent.Scope,
                DesiredDate = kind == ItemKind.Deliberation ? parent.DesiredDate : due,
                DesignatedUnitId = kind == ItemKind.JointTask && units.Count == 1 && OrganisationId.TryParse(units[0], out var unit) ? unit : null,
                SubmitterOrganisationId = Organisation(child, "requesterId") ?? parent.HostOrganisationId,
                ParentItemId = parent.Id,
                WorkflowInstanceId = child.Id.Value,
                CreatedUtc = time.GetUtcNow().UtcDateTime,
                UpdatedUtc = time.GetUtcNow().UtcDateTime,
            };
            db.Add(item);
            Submitted(item, events, time);
            await ProjectAsync(item, [], events, actor, cancellationToken);
        }
    }

    private static OrganisationId? Organisation(WorkflowInstance instance, string variable) =>
        OrganisationId.TryParse(instance.Variables[variable]?.GetValue<string>(), out var id) && id != default ? id : null;

    /// <summary>Overdue flag and notice at the deadline; a 督办 entry for the street after the alliance's grace period.</summary>
    private async Task SuperviseAsync(Item item, List<ItemTask> tasks, List<ItemEventRecord> events, DateTime now, CancellationToken cancellationToken)
    {
        if (item.IsClosed)
        {
            return;
        }

        foreach (var t in tasks.Where(t => t.DeadlineUtc is { } due && due <= now && t.OverdueUtc is null && (t.IsOpen || t.Outcome == "deadline")))
        {
            t.OverdueUtc = t.DeadlineUtc;
            item.Overdue = true;
            Emit(item, events, "system", time, seq => new ItemOverdue(item.Id.Value, item.AllianceId.Value, Concerned(item, Holders(t)), seq,
                t.Id, t.Step, Offset(t.DeadlineUtc)!.Value));
        }

        var outstanding = tasks.Where(t => t.OverdueUtc is not null && IsOutstanding(t, tasks)).ToList();
        if (item.Overdue && outstanding.Count == 0)
        {
            item.Overdue = false;
        }

        var done = tasks.Where(t => t.SupervisedUtc is not null && !outstanding.Contains(t)).Select(t => t.Id).ToList();
        if (done.Count > 0)
        {
            foreach (var entry in await db.Set<SupervisionEntry>().Where(e => e.ItemId == item.Id && e.ResolvedUtc == null && done.Contains(e.TaskId)).ToListAsync(cancellationToken))
            {
                entry.ResolvedUtc = now;
            }
        }

        var late = outstanding.Where(t => t.SupervisedUtc is null).ToList();
        if (late.Count == 0)
        {
            return;
        }

        var rules = await db.Alliances.AsNoTracking().Where(a => a.Id == item.AllianceId).Select(a => a.Rules).SingleAsync(cancellationToken);
        foreach (var t in late.Where(t => t.DeadlineUtc!.Value + rules.EscalationGrace <= now))
        {
            t.SupervisedUtc = now;
            item.Escalated = true;
            db.Add(new SupervisionEntry
            {
                Id = Guid.CreateVersion7(),
                ItemId = item.Id,
                TaskId = t.Id,
                StreetId = item.StreetId,
                ResponsibleOrganisationId = Holders(t).FirstOrDefault() is { } o && o != default ? o : null,
                DeadlineUtc = t.DeadlineUtc!.Value,
                CreatedUtc = now,
            });
            Emit(item, events, "system", time, seq => new ItemEscalated(item.Id.Value, item.AllianceId.Value, Concerned(item, [item.StreetId, .. Holders(t)]), seq,
                $"supervision:{t.Step}", item.StreetId.Value));
        }
    }

    /// <summary>
    /// Overdue work not yet done: the late task is still open, or it closed at its deadline and no task opened since
    /// has been completed by a person (e.g. the unit finishing the work late).
    /// </summary>
    private static bool IsOutstanding(ItemTask late, List<ItemTask> tasks) =>
        late.IsOpen
        || (late.Outcome == "deadline" && !tasks.Exists(t => t != late && t.OpenedUtc >= late.ClosedUtc && !t.IsOpen && t.CompletedBy is not null and not "system"));

    private static IEnumerable<OrganisationId> Holders(ItemTask t) =>
        t.HolderOrganisationId is { } holder ? [holder] : t.Candidates();

    internal static List<Guid> Concerned(Item item, IEnumerable<OrganisationId>? more = null) =>
        [.. new[] { item.SubmitterOrganisationId, item.HostOrganisationId }.Concat(more ?? []).Where(o => o != default).Select(o => o.Value).Distinct()];

    private static DateTimeOffset? Offset(DateTime? utc) =>
        utc is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)) : null;

    internal static void Emit(Item item, List<ItemEventRecord> events, string? actor, TimeProvider time, Func<long, ItemEvent> make)
    {
        var now = time.GetUtcNow();
        var message = make(++item.Sequence) with { OccurredAt = now };
        events.Add(new ItemEventRecord
        {
            Id = message.EventId,
            ItemId = item.Id,
            Sequence = message.Sequence,
            Type = message.GetType().Name,
            Actor = actor,
            AtUtc = now.UtcDateTime,
            PayloadJson = JsonSerializer.Serialize(message, message.GetType(), Json),
        });
    }
}
