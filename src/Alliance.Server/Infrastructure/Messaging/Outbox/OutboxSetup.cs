using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Alliance.Server.Infrastructure.Messaging.Outbox;

public static class OutboxSetup
{
    /// <summary>The host outbox: <see cref="OutboxExtensions.AddOutboxEvent{TEvent}"/>, its commit wake-up and its dispatcher.</summary>
    public static IServiceCollection AddAllianceOutbox(this IServiceCollection services)
    {
        services.AddSingleton<OutboxWakeUp>();
        services.AddSingleton<IInterceptor, OutboxCommitInterceptor>();
        services.AddSingleton<HostOutboxDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<HostOutboxDispatcher>());
        return services;
    }
}
