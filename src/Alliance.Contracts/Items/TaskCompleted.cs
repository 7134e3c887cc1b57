namespace Alliance.Contracts.Items;

/// <summary>A task of the item closed: completed with an outcome, or closed by its deadline or window.</summary>
public sealed record TaskCompleted(Guid ItemId, Guid AllianceId, IReadOnlyList<Guid> Organisations, long Sequence, Guid TaskId, string Step, string Outcome, string? By, string? Comment)
    : ItemEvent(ItemId, AllianceId, Organisations, Sequence);
