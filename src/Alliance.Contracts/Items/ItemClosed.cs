namespace Alliance.Contracts.Items;

/// <summary>The item's route ended; it is in its alliance's ledger (台账) with its final status.</summary>
public sealed record ItemClosed(Guid ItemId, Guid AllianceId, IReadOnlyList<Guid> Organisations, long Sequence, string Status)
    : ItemEvent(ItemId, AllianceId, Organisations, Sequence);
