namespace Alliance.Contracts.Alliances;

/// <summary>
/// An alliance's administration changed (renamed, rules of procedure replaced, a member admitted, updated or
/// ended). <paramref name="Change"/> is the audit action, e.g. <c>alliance.renamed</c>.
/// </summary>
public sealed record AllianceChanged(Guid AllianceId, string Change, string Name) : IntegrationEvent;
