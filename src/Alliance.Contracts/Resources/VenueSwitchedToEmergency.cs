namespace Alliance.Contracts.Resources;

/// <summary>平急转换: a venue was switched to emergency use for a period; every overlapping booking was cancelled in the same transaction.</summary>
public sealed record VenueSwitchedToEmergency(
    Guid EmergencyId, Guid ResourceId, Guid OwnerId, Guid AllianceId, DateTimeOffset From, DateTimeOffset To, string Reason, string? By,
    IReadOnlyList<Guid> CancelledBookings) : IntegrationEvent;
