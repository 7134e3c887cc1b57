namespace Alliance.Contracts.Resources;

/// <summary>
/// Base of every event about a booking of a shared resource: the booking, the resource, its owner, the requesting
/// organisation, the alliance it is shared through, and the slot.
/// </summary>
public abstract record BookingEvent(
    Guid BookingId, Guid ResourceId, Guid OwnerId, Guid RequesterId, Guid AllianceId, DateTimeOffset Start, DateTimeOffset End) : IntegrationEvent;
