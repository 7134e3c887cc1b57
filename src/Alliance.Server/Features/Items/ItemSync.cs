using System.Globalization;
using System.Text.Json.Nodes;
using Alliance.Contracts.Items;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows;
using Alliance.Workflows.Activities;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Items;

/// <summary>
/// Keeps an item in step with its route. Inside a runtime commit's transaction (<see cref="ItemCommitHook"/>) it reads the
/// commit's own change of the route (<see cref="RouteChange"/>: the instance, the tasks it opened, changed or removed,
/// its journal, the children it started), never the runtime's tables; it updates the item and its tracked tasks, raises
/// overdue flags and 督办 entries, and writes one event per change (<see cref="ItemEvents"/>: the item's timeline and the
/// host outbox) with the audit entry (<see cref="AuditTrail"/>), all in that transaction. The command the caller gave the
/// runtime call (<see cref="ItemCommand"/>) is applied first: who completed which task, and the item a start creates.
/// The supervision sweep (<see cref="ItemSupervision"/>) runs <see cref="SuperviseAsync(ItemId, CancellationToken)"/> for
/// what only the clock changes.
/// </summary>
public sealed class ItemSync(AllianceDbContext db, AuditTrail audit, TimeProvider time, IEnumerable<IItemProjection> projections)
{
    private const int MaxAttempts = 6;

    /// <summary>
    /// Runs <paramref name="runtimeCall"/> with <paramref name="command"/>'s context, so that the runtime's commit carries
    /// the item's projection under this command (its audit entry, its events). If no commit carried it (the call changed
    /// nothing, e.g. claiming one's own claim again), the command is saved and audited here on its own. Returns the item
    /// as it stands after the call.
    /// </summary>
    public async Task<Item> ActAsync(ItemCommand command, Func<CommitContext, Task> runtimeCall, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(runtimeCall);
        await runtimeCall(command.Context);
        if (!command.Applied)
        {
            return await ApplyAloneAsync(command.ItemId, command.Name, command.OnBehalfOf, command.Task, command.Always, cancellationToken);
        }

        db.ChangeTracker.Clear();
        return await db.Set<Item>().AsNoTracking().SingleAsync(i => i.Id == command.ItemId, cancellationToken);
    }

    /// <summary>
    /// The supervision sweep's part: overdue flags and 督办 entries of one open item, from its tracked tasks and the clock,
    /// saved (with one audit entry) only if something changed. A concurrent change of the item is retried from a fresh load.
    /// </summary>
    public Task<Item> SuperviseAsync(ItemId id, CancellationToken cancellationToken) =>
        ApplyAloneAsync(id, "item.supervised", null, null, always: false, cancellationToken);

    private async Task<Item> ApplyAloneAsync(ItemId id, string action, OrganisationId? onBehalfOf, TaskChange? change, bool always, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                db.ChangeTracker.Clear();
                var item = await db.Set<Item>().SingleAsync(i => i.Id == id, cancellationToken);
                var tasks = await db.Set<ItemTask>().Where(t => t.ItemId == id).ToListAsync(cancellationToken);
                var events = new ItemEvents(item, time);
                change?.ApplyTo(tasks);
                await SuperviseAsync(item, tasks, events, time.GetUtcNow().UtcDateTime, cancellationToken);
                return await SaveAsync(item, tasks, events, action, onBehalfOf, always, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < MaxAttempts)
            {
                // another writer changed the item (revision) or took the same sequence number: redo from a fresh load
            }
        }
    }

    /// <summary>
    /// Inside a runtime commit's transaction (<see cref="ItemCommitHook"/>, whose context this is): projects the item of
    /// <paramref name="change"/>'s instance once, under <paramref name="command"/> if it is about this item, else as the
    /// system (<c>item.synced</c>). A start whose command creates the item creates it here. A conflict is not retried here: it fails the runtime's commit, which the
    /// runtime redoes from a fresh load.
    /// </summary>
    internal async Task<Projected> ApplyInCommitAsync(RouteChange change, ItemCommand? command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var instanceId = change.Instance.Id.Value;
        db.ChangeTracker.Clear();
        if (command?.Creates is { } creates && change.IsStart && change.Instance.ParentInstanceId is null)
        {
            creates.Item.WorkflowInstanceId = instanceId;
            await CreateAsync(creates, change, cancellationToken);
            return Projected.WithCommand;
        }

        var item = await db.Set<Item>().SingleOrDefaultAsync(i => i.WorkflowInstanceId == instanceId, cancellationToken);
        if (item is null)
        {
            return Projected.NoItem;
        }

        var mine = command is not null && command.ItemId == item.Id;
        var tasks = await db.Set<ItemTask>().Where(t => t.ItemId == item.Id).ToListAsync(cancellationToken);
        var events = new ItemEvents(item, time);
        if (mine)
        {
            command!.Task?.ApplyTo(tasks);
        }

        var actor = mine ? command!.Actor : "system";
        await ProjectAsync(item, tasks, events, actor, change, cancellationToken);
        await SaveAsync(item, tasks, events, mine ? command!.Name : "item.synced", mine ? command!.OnBehalfOf : null, mine && command!.Always, cancellationToken);
        return mine ? Projected.WithCommand : Projected.Item;
    }

    /// <summary>What <see cref="ApplyInCommitAsync"/> did: nothing (the instance has no item), the item's projection, or the item's projection under the caller's command.</summary>
    internal enum Projected
    {
        NoItem,
        Item,
        WithCommand,
    }

    private async Task<Item> SaveAsync(Item item, List<ItemTask> tasks, ItemEvents events, string action, OrganisationId? onBehalfOf, bool always, CancellationToken cancellationToken)
    {
        events.AddTo(db, tasks);
        if (events.Count == 0 && !always && !db.ChangeTracker.HasChanges())
        {
            return item;
        }

        item.Revision++;
        item.UpdatedUtc = time.GetUtcNow().UtcDateTime;
        await audit.SaveAsync(new AuditRecord(action, "item", item.Id.ToString(), onBehalfOf, null,
            new { item.Status, item.Overdue, item.Escalated, item.Sequence, events = events.Types }), cancellationToken);
        return item;
    }

    /// <summary>The new item of a start, its <see cref="ItemSubmitted"/> event, what is saved beside it, and what the route did at once.</summary>
    private async Task CreateAsync(NewItem creates, RouteChange change, CancellationToken cancellationToken)
    {
        var item = creates.Item;
        db.Add(item);
        var events = new ItemEvents(item, time);
        Submitted(events);
        if (creates.Alongside is { } alongside)
        {
            await alongside.ApplyAsync(db, item, events, cancellationToken);
        }

        List<ItemTask> tasks = [];
        await ProjectAsync(item, tasks, events, item.SubmittedBy?.ToString(), change, cancellationToken);
        events.AddTo(db, tasks);
        await audit.SaveAsync(new AuditRecord("item.submitted", "item", item.Id.ToString(), creates.OnBehalfOf, null,
            new { item.Kind, item.Title, item.Category, item.AllianceId, item.Scope, item.DesiredDate, item.Status, item.WorkflowInstanceId }), cancellationToken);
    }

    /// <summary>Adds the new item's <see cref="ItemSubmitted"/> event (the first of its sequence).</summary>
    private static void Submitted(ItemEvents events)
    {
        var item = events.Item;
        events.Emit(item.SubmittedBy?.ToString(), seq => new ItemSubmitted(item.Id.Value, item.AllianceId.Value, Concerned(item), seq,
            item.Kind.ToString(), item.Title, item.SubmittedBy));
    }

    private async Task ProjectAsync(Item item, List<ItemTask> tasks, ItemEvents events, string? actor, RouteChange change, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var b in change.OpenedOrChanged)
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
                    OpenedUtc = now,
                };
                Offer(t, b);
                t.HolderOrganisationId = t.Candidates().Count() == 1 ? t.Candidates().First() : null;
                tasks.Add(t);
                db.Add(t);
                events.Emit(actor, seq => new TaskAssigned(item.Id.Value, item.AllianceId.Value, Concerned(item, t.Candidates()), seq,
                    t.Id, t.Step, t.TitleZh ?? t.Step, t.CandidateRole, Offset(t.DeadlineUtc)));
            }

            if (b.Escalated && !t.Escalated)
            {
                t.Escalated = true;
                Offer(t, b);
                t.ClaimedBy = null;
                t.HolderOrganisationId = t.Candidates().Count() == 1 ? t.Candidates().First() : null;
                item.Escalated = true;
                events.Emit("system", seq => new ItemEscalated(item.Id.Value, item.AllianceId.Value, Concerned(item, t.Candidates()), seq,
                    $"deadline:{t.Step}", t.Candidates().FirstOrDefault().Value));
            }

            if (b.ClaimedBy is not null && b.ClaimedBy != t.ClaimedBy)
            {
                t.ClaimedBy = b.ClaimedBy;
                events.Emit(b.ClaimedBy, seq => new TaskClaimed(item.Id.Value, item.AllianceId.Value, Concerned(item, t.Candidates()), seq,
                    t.Id, t.Step, b.ClaimedBy));
            }

            t.DelegatedTo = b.DelegatedTo;
            t.DeadlineUtc = b.DeadlineUtc;
            t.AllowedOutcomes = [.. b.AllowedOutcomes];
            t.Fields = [.. b.Fields];
        }

        foreach (var t in tasks.Where(t => t.IsOpen && change.Removed.Contains(t.Id)).OrderBy(t => t.OpenedUtc))
        {
            t.ClosedUtc = now;
            if (t.Outcome is null)
            {
                var last = change.Journal.LastOrDefault(j => j.ActivityId == t.Step && j.Kind == JournalKind.Resumed && j.Actor == Actor.System.Id);
                t.Outcome = last?.Outcome is { Length: > 0 } o && !o.StartsWith("timer:", StringComparison.Ordinal) ? o : "closed";
                t.CompletedBy = "system";
            }

            events.Emit(t.CompletedBy, seq => new TaskCompleted(item.Id.Value, item.AllianceId.Value, Concerned(item, t.Candidates()), seq,
                t.Id, t.Step, t.Outcome!, t.CompletedBy, t.Comment));
        }

        // every status the route passed in this commit, in order (several can pass within one step)
        var steps = change.Journal.Where(j => j.ActivityType == nameof(SetStatus)).Select(j => j.Detail).ToList();
        item.StatusSteps += steps.Count;
        foreach (var status in steps.Append(change.Instance.BusinessStatus).OfType<string>())
        {
            ChangeStatus(item, events, actor, status);
        }

        if (change.Instance.IsClosed && item.ClosedUtc is null)
        {
            item.ClosedUtc = now;
            item.Overdue = false;
            foreach (var entry in await db.Set<SupervisionEntry>().Where(e => e.ItemId == item.Id && e.ResolvedUtc == null).ToListAsync(cancellationToken))
            {
                entry.ResolvedUtc = now;
            }

            events.Emit(actor, seq => new ItemClosed(item.Id.Value, item.AllianceId.Value, Concerned(item), seq, item.Status));
        }

        foreach (var projection in projections.Where(p => p.Kind == item.Kind))
        {
            await projection.ProjectAsync(new ItemProjectionContext(item, change.Instance, tasks, events, actor, time), cancellationToken);
        }

        await SuperviseAsync(item, tasks, events, now, cancellationToken);
        await AdoptChildrenAsync(item, change, actor, cancellationToken);
    }

    /// <summary>To whom the task is offered, as the route says (and the indexed candidate rows to match).</summary>
    private void Offer(ItemTask task, Bookmark bookmark)
    {
        var before = task.Candidates().ToHashSet();
        task.CandidateRole = bookmark.CandidateRole;
        task.CandidateOrganisations = bookmark.CandidateOrganisation;
        var after = task.Candidates().ToHashSet();
        if (before.SetEquals(after) && db.Entry(task).State != EntityState.Added)
        {
            return;
        }

        foreach (var gone in before.Except(after))
        {
            db.Remove(new ItemTaskCandidate { TaskId = task.Id, OrganisationId = gone });
        }

        db.AddRange(after.Except(db.Entry(task).State == EntityState.Added ? [] : before).Select(o => new ItemTaskCandidate { TaskId = task.Id, OrganisationId = o }));
    }

    private static void ChangeStatus(Item item, ItemEvents events, string? actor, string status)
    {
        if (status == item.Status)
        {
            return;
        }

        var from = item.Status;
        item.Status = status;
        events.Emit(actor, seq => new ItemStatusChanged(item.Id.Value, item.AllianceId.Value, Concerned(item), seq, from, status));
        if (status.StartsWith("escalated", StringComparison.Ordinal))
        {
            item.Escalated = true;
            events.Emit(actor, seq => new ItemEscalated(item.Id.Value, item.AllianceId.Value, Concerned(item, [item.StreetId]), seq,
                status, item.StreetId.Value));
        }
    }

    /// <summary>
    /// A route that started a child route in this commit gets an item for it, with the parent as <see cref="Item.ParentItemId"/>,
    /// so that its tasks reach the inbox like any other: a resolution, a passed decision or an urgent chair's decision
    /// starts a joint task (same alliance, ordered by the host); a community deliberation escalated for scope starts a
    /// deliberation of the street alliance (requested by the community, hosted by the street). The child's alliance,
    /// host, street and requester are the ones its route was started with (the parent's where it names none).
    /// </summary>
    private async Task AdoptChildrenAsync(Item parent, RouteChange change, string? actor, CancellationToken cancellationToken)
    {
        foreach (var childChange in change.NewChildren)
        {
            var child = childChange.Instance;
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
            var events = new ItemEvents(item, time);
            Submitted(events);
            List<ItemTask> tasks = [];
            await ProjectAsync(item, tasks, events, actor, childChange, cancellationToken);
            events.AddTo(db, tasks);
        }
    }

    private static OrganisationId? Organisation(WorkflowInstance instance, string variable) =>
        OrganisationId.TryParse(instance.Variables[variable]?.GetValue<string>(), out var id) && id != default ? id : null;

    /// <summary>Overdue flag and notice at the deadline; a 督办 entry for the street after the alliance's grace period.</summary>
    private async Task SuperviseAsync(Item item, List<ItemTask> tasks, ItemEvents events, DateTime now, CancellationToken cancellationToken)
    {
        if (item.IsClosed)
        {
            return;
        }

        foreach (var t in tasks.Where(t => t.DeadlineUtc is { } due && due <= now && t.OverdueUtc is null && (t.IsOpen || t.Outcome == "deadline")))
        {
            t.OverdueUtc = t.DeadlineUtc;
            item.Overdue = true;
            item.WasOverdue = true;
            events.Emit("system", seq => new ItemOverdue(item.Id.Value, item.AllianceId.Value, Concerned(item, Holders(t)), seq,
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
            events.Emit("system", seq => new ItemEscalated(item.Id.Value, item.AllianceId.Value, Concerned(item, [item.StreetId, .. Holders(t)]), seq,
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
}
