using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Alliance.Server.Infrastructure.Reliability;

public static class ReliabilitySetup
{
    /// <summary>How often the readiness checks run in the background to log a dependency going down and coming back.</summary>
    public static readonly TimeSpan WatchPeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Health checks bounded in time (<see cref="BoundedHealthChecks"/>), a log line when a dependency goes down and
    /// when it recovers (<see cref="DependencyRecoveryLog"/>), and the outbox backlog gauges (<see cref="OutboxBacklog"/>).
    /// Transient dependency faults become 503 in <c>ProblemExceptionHandler</c> (<see cref="TransientFaults"/>).
    /// </summary>
    public static IServiceCollection AddAllianceReliability(this IServiceCollection services)
    {
        services.AddSingleton<IPostConfigureOptions<HealthCheckServiceOptions>, BoundedHealthChecks>();
        services.AddSingleton<DependencyRecoveryLog>();
        services.AddSingleton<IHealthCheckPublisher>(provider => provider.GetRequiredService<DependencyRecoveryLog>());
        services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = WatchPeriod;
            options.Period = WatchPeriod;
            options.Predicate = check => check.Tags.Contains("ready");
        });
        services.AddSingleton<OutboxBacklog>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxBacklog>());
        return services;
    }
}
