using RabbitMQ.Client;

namespace Alliance.Server.Infrastructure.Messaging;

/// <summary>
/// Moves faulted messages from <c>{queue}_error</c> back to <c>{queue}</c> (RabbitMQ only). Each message is
/// published with publisher confirms before it is acknowledged on the error queue, so a crash in between
/// gives a duplicate, which the consumers' inbox absorbs, never a loss. A message carries a re-drive count
/// and is left in the error queue once it reaches <paramref name="maxRedrives"/>.
/// </summary>
public sealed class ErrorQueueRedriver(AllianceOptions options, ILogger<ErrorQueueRedriver> logger)
{
    public const string RedriveCountHeader = "x-alliance-redrive-count";

    public async Task<int> RedriveAsync(string queue, int maxMessages = 1000, int maxRedrives = 3, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        if (options.Bus != BusTransport.RabbitMq)
        {
            throw new InvalidOperationException("Re-driving error queues needs Alliance:Bus=RabbitMq; the in-memory transport keeps no queues across restarts.");
        }

        var factory = new ConnectionFactory { Uri = new Uri(options.RabbitMq!), ClientProvidedName = "alliance-redriver" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);

        var moved = 0;
        var parked = new List<ulong>();
        while (moved + parked.Count < maxMessages)
        {
            var message = await channel.BasicGetAsync($"{queue}_error", autoAck: false, cancellationToken);
            if (message is null)
            {
                break;
            }

            var properties = new BasicProperties(message.BasicProperties);
            properties.Headers ??= new Dictionary<string, object?>();
            var count = properties.Headers.TryGetValue(RedriveCountHeader, out var raw) && raw is int n ? n : 0;
            if (count >= maxRedrives)
            {
                parked.Add(message.DeliveryTag);
                continue;
            }

            properties.Headers[RedriveCountHeader] = count + 1;
            await channel.BasicPublishAsync(queue, string.Empty, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }

        foreach (var tag in parked)
        {
            await channel.BasicNackAsync(tag, multiple: false, requeue: true, cancellationToken);
        }

        logger.LogInformation("Re-drove {Moved} message(s) from {Queue}_error; {Parked} left for an operator", moved, queue, parked.Count);
        return moved;
    }
}
