namespace Alliance.Contracts.Items;

/// <summary>Someone took a task of the item (claimed, or had it delegated to them).</summary>
public sealed record TaskClaimed(Guid ItemId, Guid AllianceId, IReadOnlyList<Guid> Organisations, long Sequence, Guid TaskId, string Step, string By)
    : ItemEvent(ItemId, AllianceId, Organisations, Sequence);
