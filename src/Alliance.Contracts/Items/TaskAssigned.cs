namespace Alliance.Contracts.Items;

/// <summary>A task of the item was opened for a role in one or more organisations.</summary>
public sealed record TaskAssigned(Guid ItemId, Guid AllianceId, IReadOnlyList<Guid> Organisations, long Sequence, Guid TaskId, string Step, string Title, string? Role, DateTimeOffset? Deadline)
    : ItemEvent(ItemId, AllianceId, Organisations, Sequence);
