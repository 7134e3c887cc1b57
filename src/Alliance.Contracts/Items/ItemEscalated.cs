namespace Alliance.Contracts.Items;

/// <summary>The item, or a task of it, went up a level (to the chair or the street), with the reason.</summary>
public sealed record ItemEscalated(Guid ItemId, Guid AllianceId, IReadOnlyList<Guid> Organisations, long Sequence, string Reason, Guid? To)
    : ItemEvent(ItemId, AllianceId, Organisations, Sequence);
