namespace Alliance.Contracts.Bulletins;

/// <summary>
/// The street chair published a monthly bulletin (逐月通报), written in the commit that published it. The members'
/// people are told (notification rule <c>bulletin.published</c>); a redelivered event tells nobody twice.
/// </summary>
public sealed record BulletinPublished(Guid BulletinId, Guid AllianceId, string Title, string Month, IReadOnlyList<Guid> Organisations) : IntegrationEvent;
