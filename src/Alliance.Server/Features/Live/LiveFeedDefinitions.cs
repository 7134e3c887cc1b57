using MassTransit;

namespace Alliance.Server.Features.Live;

/// <summary>
/// The feed consumers take many messages at once, so that <see cref="LiveFeed"/> can append them in one
/// transaction (the order of numbers follows the order in which they reach the writer).
/// </summary>
public sealed class AllianceStreamFeedDefinition : ConsumerDefinition<AllianceStreamFeed>
{
    public AllianceStreamFeedDefinition() => ConcurrentMessageLimit = LiveFeedEndpoint.Concurrency;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<AllianceStreamFeed> consumerConfigurator, IRegistrationContext context) =>
        LiveFeedEndpoint.Configure(endpointConfigurator);
}

/// <summary>
/// As above, and the events of one item are handled one at a time on a node, in the order the queue delivers them
/// (the items outbox publishes in item order), so an item's stream follows the item's own order on one node.
/// </summary>
public sealed class ItemStreamFeedDefinition : ConsumerDefinition<ItemStreamFeed>
{
    public ItemStreamFeedDefinition() => ConcurrentMessageLimit = LiveFeedEndpoint.Concurrency;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ItemStreamFeed> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        ArgumentNullException.ThrowIfNull(consumerConfigurator);
        LiveFeedEndpoint.Configure(endpointConfigurator);
        var byItem = endpointConfigurator.CreatePartitioner(LiveFeedEndpoint.Concurrency);
        consumerConfigurator.Message<Contracts.Items.ItemSubmitted>(m => m.UsePartitioner(byItem, c => c.Message.ItemId));
        consumerConfigurator.Message<Contracts.Items.ItemStatusChanged>(m => m.UsePartitioner(byItem, c => c.Message.ItemId));
        consumerConfigurator.Message<Contracts.Items.ItemClosed>(m => m.UsePartitioner(byItem, c => c.Message.ItemId));
        consumerConfigurator.Message<Contracts.Items.TaskAssigned>(m => m.UsePartitioner(byItem, c => c.Message.ItemId));
        consumerConfigurator.Message<Contracts.Items.TaskClaimed>(m => m.UsePartitioner(byItem, c => c.Message.ItemId));
        consumerConfigurator.Message<Contracts.Items.ItemOverdue>(m => m.UsePartitioner(byItem, c => c.Message.ItemId));
        consumerConfigurator.Message<Contracts.Items.ItemEscalated>(m => m.UsePartitioner(byItem, c => c.Message.ItemId));
    }
}

internal static class LiveFeedEndpoint
{
    public const int Concurrency = 256;

    public static void Configure(IReceiveEndpointConfigurator endpoint)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = Concurrency;
        }
    }
}
