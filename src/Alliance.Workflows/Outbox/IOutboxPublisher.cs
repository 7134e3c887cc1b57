using Alliance.Workflows.Model;

namespace Alliance.Workflows.Outbox;

/// <summary>Publishes one outbox row to the bus (the host implements it with MassTransit). Must throw if it did not publish.</summary>
public interface IOutboxPublisher
{
    Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken = default);
}
