namespace Alliance.Contracts.Resources;

/// <summary>A booking was confirmed: by the owner, by the alliance chair after escalation, or at once (<c>By</c> = owner, chair or auto).</summary>
public sealed record BookingConfirmed(
    Guid BookingId, Guid ResourceId, Guid OwnerId, Guid RequesterId, Guid AllianceId, DateTimeOffset Start, DateTimeOffset End, string By)
    : BookingEvent(BookingId, ResourceId, OwnerId, RequesterId, AllianceId, Start, End);
