namespace Alliance.Contracts.Items;

/// <summary>
/// Base of every event about a joint item (议事事项). Each carries the item, its alliance, the organisations
/// concerned (the submitter, the alliance's host and whoever the event routes work to) and the item's own
/// sequence number (1, 2, 3, ... per item, no gaps), so a consumer can order an item's events and notice a gap.
/// </summary>
public abstract record ItemEvent(Guid ItemId, Guid AllianceId, IReadOnlyList<Guid> Organisations, long Sequence) : IntegrationEvent
{
    /// <summary>
    /// The item as the commit that raised this event left it (its status, current step and holder), so that a consumer
    /// need not read the item back. Null in events written before it was carried: a consumer then reads the item.
    /// </summary>
    public ItemState? State { get; init; }
}

/// <summary>
/// An item's state after a commit: its status, the step of its latest open task (null when none is open) and the one
/// organisation holding all its open tasks (null when none or several do, or a task is not held yet).
/// </summary>
public sealed record ItemState(string Status, string? Step, Guid? Holder);
