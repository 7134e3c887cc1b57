namespace Alliance.Contracts.Items;

/// <summary>A task of the item passed its deadline: the holder and the chair are notified.</summary>
public sealed record ItemOverdue(Guid ItemId, Guid AllianceId, IReadOnlyList<Guid> Organisations, long Sequence, Guid TaskId, string Step, DateTimeOffset Deadline)
    : ItemEvent(ItemId, AllianceId, Organisations, Sequence);
