namespace Alliance.Contracts.Items;

/// <summary>The item's business status changed (e.g. published → in-progress).</summary>
public sealed record ItemStatusChanged(Guid ItemId, Guid AllianceId, IReadOnlyList<Guid> Organisations, long Sequence, string? From, string To)
    : ItemEvent(ItemId, AllianceId, Organisations, Sequence);
