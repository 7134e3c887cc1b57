namespace Alliance.Contracts.Resources;

/// <summary>A booking was requested and passed every check; for an exclusive resource it now holds the slot. <c>Status</c> is pending or (auto-confirmed) confirmed.</summary>
public sealed record BookingRequested(
    Guid BookingId, Guid ResourceId, Guid OwnerId, Guid RequesterId, Guid AllianceId, DateTimeOffset Start, DateTimeOffset End, int HeadCount, string Purpose,
    Guid? RequestedBy, string Status)
    : BookingEvent(BookingId, ResourceId, OwnerId, RequesterId, AllianceId, Start, End);
