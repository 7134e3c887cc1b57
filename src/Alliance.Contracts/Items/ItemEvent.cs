namespace Alliance.Contracts.Items;

/// <summary>
/// Base of every event about a joint item (议事事项). Each carries the item, its alliance, the organisations
/// concerned (the submitter, the alliance's host and whoever the event routes work to) and the item's own
/// sequence number (1, 2, 3, ... per item, no gaps), so a consumer can order an item's events and notice a gap.
/// </summary>
public abstract record ItemEvent(Guid ItemId, Guid AllianceId, IReadOnlyList<Guid> Organisations, long Sequence) : IntegrationEvent;
