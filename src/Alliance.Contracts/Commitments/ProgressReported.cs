using Alliance.Contracts.Items;

namespace Alliance.Contracts.Commitments;

/// <summary>
/// A unit reported progress on its commitment for one reporting period: the quantity done in the period and the total
/// done so far against the target. <see cref="Late"/> when the report came after the period's report was missing.
/// </summary>
public sealed record ProgressReported(
    Guid ItemId, Guid AllianceId, IReadOnlyList<Guid> Organisations, long Sequence, Guid CommitmentId, Guid UnitId, int Period, decimal Quantity,
    decimal DoneQuantity, decimal TargetQuantity, bool Late, string? ReportedBy)
    : ItemEvent(ItemId, AllianceId, Organisations, Sequence);
