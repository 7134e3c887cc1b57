using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Alliance.Server.Infrastructure.Messaging.Outbox;

public static class OutboxSetup
{
    /// <summary>The host outbox: <see cref="OutboxExtensions.AddOutboxEvent{TEvent}"/>, its commit wake-up and its dispatcher.</summary>
    public static IServiceCollection AddAllianceOutbox(this IServiceCollection services)
    {
        services.AddSingleton<OutboxWakeUp>();
        services.AddCommitWakeUp<IOutboxRow, OutboxWakeUp>();
        services.AddSingleton<IInterceptor, OutboxCommitInterceptor>();
        services.AddSingleton<HostOutboxDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<HostOutboxDispatcher>());
        return services;
    }

    /// <summary>Signals <typeparamref name="TWakeUp"/> (a singleton) whenever a commit wrote rows of <typeparamref name="TRow"/>.</summary>
    public static IServiceCollection AddCommitWakeUp<TRow, TWakeUp>(this IServiceCollection services)
        where TWakeUp : OutboxWakeUp
    {
        services.AddSingleton(provider => new CommitWakeUp(typeof(TRow), provider.GetRequiredService<TWakeUp>()));
        return services;
    }
}
