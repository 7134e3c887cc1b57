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

public sealed class ItemStreamFeedDefinition : ConsumerDefinition<ItemStreamFeed>
{
    public ItemStreamFeedDefinition() => ConcurrentMessageLimit = LiveFeedEndpoint.Concurrency;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ItemStreamFeed> consumerConfigurator, IRegistrationContext context) =>
        LiveFeedEndpoint.Configure(endpointConfigurator);
}

internal static class LiveFeedEndpoint
{
    public const int Concurrency = 64;

    public static void Configure(IReceiveEndpointConfigurator endpoint)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = Concurrency;
        }
    }
}
