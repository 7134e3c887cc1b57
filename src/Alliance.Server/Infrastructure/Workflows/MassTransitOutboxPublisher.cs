using Alliance.Contracts.Workflows;
using Alliance.Workflows.Model;
using Alliance.Workflows.Outbox;
using MassTransit;

namespace Alliance.Server.Infrastructure.Workflows;

/// <summary>Publishes a workflow outbox row on the bus; the message id is the row id, so receivers de-duplicate on it.</summary>
internal sealed class MassTransitOutboxPublisher(IBus bus) : IOutboxPublisher
{
    public Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var published = new WorkflowMessagePublished(message.InstanceId.Value, message.Kind.ToString(), message.MessageType, message.PayloadJson)
        {
            EventId = message.Id,
            OccurredAt = new DateTimeOffset(DateTime.SpecifyKind(message.CreatedUtc, DateTimeKind.Utc)),
        };
        return bus.Publish(published, context => context.MessageId = message.Id, cancellationToken);
    }
}
