namespace Alliance.Contracts;

/// <summary>Base of every event on the bus: a unique id (receivers de-duplicate on it) and when it happened.</summary>
public abstract record IntegrationEvent
{
    public Guid EventId { get; init; } = Guid.NewGuid();

    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;
}
