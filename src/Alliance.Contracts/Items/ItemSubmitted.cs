namespace Alliance.Contracts.Items;

/// <summary>An item was submitted and its route started.</summary>
public sealed record ItemSubmitted(Guid ItemId, Guid AllianceId, IReadOnlyList<Guid> Organisations, long Sequence, string Kind, string Title, Guid? SubmittedBy)
    : ItemEvent(ItemId, AllianceId, Organisations, Sequence);
