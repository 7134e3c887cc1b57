using Alliance.Server.Infrastructure;
using Hangfire;

namespace Alliance.Server.Features.Live;

public static class LiveSetup
{
    /// <summary>The stream log, the feed, stream authorisation (alliance, inbox, supervision) and the pruning job.</summary>
    public static IServiceCollection AddAllianceLive(this IServiceCollection services)
    {
        services.AddSingleton<StreamLog>();
        services.AddSingleton<LiveFeed>();
        services.AddSingleton<LocalStreamSignal>();
        services.AddScoped<StreamAccess>();
        services.AddStreamKind<AllianceStreamKind>();
        services.AddStreamKind<InboxStreamKind>();
        services.AddStreamKind<SupervisionStreamKind>();
        services.AddStreamKind<ItemStreamKind>();
        services.AddScoped<StreamPruneJob>();
        services.AddHostedService<LiveStartup>();
        return services;
    }

    /// <summary>Registers who may read a kind of stream (scoped: it may use the database).</summary>
    public static IServiceCollection AddStreamKind<TKind>(this IServiceCollection services)
        where TKind : class, IStreamKind
    {
        services.AddScoped<IStreamKind, TKind>();
        return services;
    }
}

/// <summary>Registers the recurring prune of stream events older than <see cref="AllianceOptions.LiveRetention"/>.</summary>
internal sealed class LiveStartup(IRecurringJobManager recurring) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<StreamPruneJob>("live-prune-streams", job => job.PruneAsync(CancellationToken.None), "17 * * * *");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Deletes stream events older than the retention; a client further behind reloads instead of resuming.</summary>
public sealed class StreamPruneJob(StreamLog log, AllianceOptions options, TimeProvider time, ILogger<StreamPruneJob> logger)
{
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var pruned = await log.PruneAsync((time.GetUtcNow() - options.LiveRetention).UtcDateTime, cancellationToken);
        logger.LogInformation("Pruned {Count} stream event(s) older than {Retention}", pruned, options.LiveRetention);
        return pruned;
    }
}
