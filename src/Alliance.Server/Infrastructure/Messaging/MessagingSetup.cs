using MassTransit;

namespace Alliance.Server.Infrastructure.Messaging;

public static class MessagingSetup
{
    /// <summary>
    /// MassTransit on the chosen transport: kebab-case endpoints, bounded in-memory retry (Debian's RabbitMQ 3.10
    /// has no delayed-exchange plugin, so there is no delayed redelivery; what still fails goes to the
    /// endpoint's <c>_error</c> queue, from where <see cref="ErrorQueueRedriver"/> can re-drive it), quorum queues
    /// on RabbitMQ, and a host that does not serve until the bus has started.
    /// </summary>
    public static IServiceCollection AddAllianceMessaging(this IServiceCollection services, AllianceOptions options)
    {
        services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.AddConsumers(typeof(MessagingSetup).Assembly);

            if (options.Bus == BusTransport.RabbitMq)
            {
                bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
                {
                    if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                    {
                        rabbit.SetQuorumQueue();
                    }
                });
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(new Uri(options.RabbitMq!));
                    ConfigureCommon(context, cfg);
                });
            }
            else
            {
                bus.UsingInMemory((context, cfg) => ConfigureCommon(context, cfg));
            }
        });

        services.Configure<MassTransitHostOptions>(host =>
        {
            host.WaitUntilStarted = true;
            host.StartTimeout = TimeSpan.FromSeconds(60);
            host.StopTimeout = TimeSpan.FromSeconds(30);
        });

        services.AddSingleton<ErrorQueueRedriver>();
        return services;
    }

    private static void ConfigureCommon<TEndpoint>(IBusRegistrationContext context, IBusFactoryConfigurator<TEndpoint> cfg)
        where TEndpoint : IReceiveEndpointConfigurator
    {
        cfg.UseMessageRetry(retry =>
        {
            retry.Incremental(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400));
            retry.Ignore<ArgumentException>();
        });
        // Bus messages carry their times as the API does: UTC, ending in Z (docs/api.md).
        cfg.ConfigureJsonSerializerOptions(options => Api.ApiJson.Apply(options, enums: false));
        cfg.ConfigureEndpoints(context);
    }
}
