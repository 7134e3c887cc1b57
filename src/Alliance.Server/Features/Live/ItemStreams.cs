using Alliance.Contracts.Items;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Realtime;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Live;

/// <summary><c>item:{id}</c>: whoever <c>GET /api/items/{id}</c> answers (<see cref="ItemsApi.Visible"/>).</summary>
public sealed class ItemStreamKind(AllianceDbContext db) : IStreamKind
{
    public string Name => StreamId.Item;

    public async Task<bool> CanReadAsync(AccessScope scope, Guid key, CancellationToken cancellationToken)
    {
        var id = new ItemId(key);
        return await ItemsApi.Visible(db, scope).AnyAsync(i => i.Id == id, cancellationToken);
    }
}

/// <summary>
/// The items feature's bus events (issue 5) → live streams. The item's own stream gets everything; the alliance's
/// board gets status changes, urgent items and escalations; each concerned organisation's inbox gets its task
/// events; an escalation also goes to the supervision list of the organisation it went to. <see cref="TaskCompleted"/>
/// is not streamed by itself: the status change that follows it is. <see cref="ItemChangedEvent"/> also goes out
/// when a task is assigned or claimed; its status, current step and holder are those the commit
/// that raised the event left (<see cref="ItemEvent.State"/>: the latest opened task's step; the holding organisation
/// when exactly one holds the open tasks), so feeding it reads nothing back. An event written before it carried that
/// state reads them from the item when it is fed.
/// </summary>
public sealed class ItemStreamFeed(LiveFeed feed, IDbContextFactory<AllianceDbContext> contexts) :
    IConsumer<ItemSubmitted>, IConsumer<ItemStatusChanged>, IConsumer<ItemClosed>, IConsumer<TaskAssigned>,
    IConsumer<TaskClaimed>, IConsumer<ItemOverdue>, IConsumer<ItemEscalated>
{
    public async Task Consume(ConsumeContext<ItemSubmitted> context)
    {
        var m = context.Message;
        var (_, step, holder) = await SnapshotAsync(m, context.CancellationToken);
        var changed = new ItemChangedEvent(m.ItemId, "submitted", step, holder, m.Sequence) { At = m.OccurredAt };
        List<(StreamId, LiveEvent)> entries = [(Item(m), changed), (Alliance(m), changed)];
        if (string.Equals(m.Kind, nameof(ItemKind.Urgent), StringComparison.OrdinalIgnoreCase))
        {
            entries.Add((Alliance(m), new UrgentRaisedEvent(m.ItemId, m.AllianceId, m.Title) { At = m.OccurredAt }));
        }

        await feed.PublishAsync(m.EventId, entries, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<ItemStatusChanged> context)
    {
        var m = context.Message;
        var (_, step, holder) = await SnapshotAsync(m, context.CancellationToken);
        var changed = new ItemChangedEvent(m.ItemId, m.To, step, holder, m.Sequence) { At = m.OccurredAt };
        await feed.PublishAsync(m.EventId, [(Item(m), changed), (Alliance(m), changed)], context.CancellationToken);
    }

    public Task Consume(ConsumeContext<ItemClosed> context)
    {
        var m = context.Message;
        var changed = new ItemChangedEvent(m.ItemId, m.Status, null, null, m.Sequence) { At = m.OccurredAt };
        return feed.PublishAsync(m.EventId, [(Item(m), changed), (Alliance(m), changed)], context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<TaskAssigned> context)
    {
        var m = context.Message;
        var (status, step, holder) = await SnapshotAsync(m, context.CancellationToken);
        var changed = new ItemChangedEvent(m.ItemId, status ?? "", step ?? m.Step, holder, m.Sequence) { At = m.OccurredAt };
        List<(StreamId, LiveEvent)> entries =
            [(Item(m), new TaskAssignedEvent(m.TaskId, m.ItemId, null, m.Step, m.Title, m.Deadline) { At = m.OccurredAt }), (Item(m), changed), (Alliance(m), changed)];
        entries.AddRange(m.Organisations.Select(o =>
            (Inbox(o), (LiveEvent)new TaskAssignedEvent(m.TaskId, m.ItemId, o, m.Step, m.Title, m.Deadline) { At = m.OccurredAt })));
        await feed.PublishAsync(m.EventId, entries, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<TaskClaimed> context)
    {
        var m = context.Message;
        var (status, step, holder) = await SnapshotAsync(m, context.CancellationToken);
        var changed = new ItemChangedEvent(m.ItemId, status ?? "", step ?? m.Step, holder, m.Sequence) { At = m.OccurredAt };
        List<(StreamId, LiveEvent)> entries =
            [(Item(m), new TaskClaimedEvent(m.TaskId, m.ItemId, null, m.Step, m.By) { At = m.OccurredAt }), (Item(m), changed), (Alliance(m), changed)];
        entries.AddRange(m.Organisations.Select(o =>
            (Inbox(o), (LiveEvent)new TaskClaimedEvent(m.TaskId, m.ItemId, o, m.Step, m.By) { At = m.OccurredAt })));
        await feed.PublishAsync(m.EventId, entries, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<ItemOverdue> context)
    {
        var m = context.Message;
        var overdue = new OverdueEvent(m.ItemId, m.TaskId, m.Step, m.Deadline) { At = m.OccurredAt };
        List<(StreamId, LiveEvent)> entries = [(Item(m), overdue)];
        entries.AddRange(m.Organisations.Select(o => (Inbox(o), (LiveEvent)overdue)));
        return feed.PublishAsync(m.EventId, entries, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<ItemEscalated> context)
    {
        var m = context.Message;
        var escalated = new EscalatedEvent(m.ItemId, null, m.To, m.Reason) { At = m.OccurredAt };
        List<(StreamId, LiveEvent)> entries = [(Item(m), escalated), (Alliance(m), escalated)];
        if (m.To is Guid to)
        {
            entries.Add((StreamId.For(StreamId.Supervision, to), escalated));
        }

        return feed.PublishAsync(m.EventId, entries, context.CancellationToken);
    }

    /// <summary>
    /// The item's status, its latest open task's step, and the one organisation holding its open tasks (if one): as the
    /// event carries them, else (an event written before they were carried) as the item stands now.
    /// </summary>
    private async Task<(string? Status, string? Step, string? Holder)> SnapshotAsync(ItemEvent m, CancellationToken cancellationToken)
    {
        var state = m.State;
        if (state is null)
        {
            var id = new ItemId(m.ItemId);
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var status = await db.Set<Item>().AsNoTracking().Where(i => i.Id == id).Select(i => i.Status).FirstOrDefaultAsync(cancellationToken);
            var open = await db.Set<ItemTask>().AsNoTracking().Where(t => t.ItemId == id && t.ClosedUtc == null).ToListAsync(cancellationToken);
            state = ItemEvents.StateOf(status!, open);
        }

        return (state.Status, state.Step, state.Holder?.ToString("D"));
    }

    private static StreamId Item(ItemEvent m) => StreamId.For(StreamId.Item, m.ItemId);

    private static StreamId Alliance(ItemEvent m) => StreamId.For(StreamId.Alliance, m.AllianceId);

    private static StreamId Inbox(Guid organisation) => StreamId.For(StreamId.Inbox, organisation);
}
