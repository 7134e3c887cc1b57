using Alliance.Contracts.Items;

namespace Alliance.Contracts.Commitments;

/// <summary>
/// The alliance confirmed a unit's commitment (共驻共建承诺) for a year; it is now published (公示) to every member. An event
/// of the commitment's item (its sequence), so it is ordered with the item's other events.
/// </summary>
public sealed record CommitmentConfirmed(
    Guid ItemId, Guid AllianceId, IReadOnlyList<Guid> Organisations, long Sequence, Guid CommitmentId, Guid UnitId, int Year, string Title,
    string Category, decimal TargetQuantity, string TargetUnit, string? ConfirmedBy)
    : ItemEvent(ItemId, AllianceId, Organisations, Sequence);
