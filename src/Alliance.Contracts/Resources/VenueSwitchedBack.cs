namespace Alliance.Contracts.Resources;

/// <summary>A venue in emergency use was switched back to normal use; it accepts requests again.</summary>
public sealed record VenueSwitchedBack(Guid EmergencyId, Guid ResourceId, Guid OwnerId, Guid AllianceId, string? By) : IntegrationEvent;
