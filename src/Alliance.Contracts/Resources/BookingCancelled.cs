namespace Alliance.Contracts.Resources;

/// <summary>
/// A booking ended without use and its slot is free again. <c>Cause</c>: <c>declined</c> (by the owner or chair),
/// <c>requester</c>, <c>owner</c> (cancelled by the owner, with a reason), <c>emergency</c> (平急转换) or <c>expired</c>
/// (still undecided when the slot began). Both sides are told: this is the notice.
/// </summary>
public sealed record BookingCancelled(
    Guid BookingId, Guid ResourceId, Guid OwnerId, Guid RequesterId, Guid AllianceId, DateTimeOffset Start, DateTimeOffset End, string Cause, string? Reason,
    string? By)
    : BookingEvent(BookingId, ResourceId, OwnerId, RequesterId, AllianceId, Start, End);
