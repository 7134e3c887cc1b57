using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Alliance.Server.Infrastructure.Reliability;

/// <summary>
/// Receives the readiness checks every few seconds (the health-check publisher) and logs each change of a
/// dependency: a warning when it goes down, and when it comes back, how long it was away.
/// </summary>
public sealed class DependencyRecoveryLog(TimeProvider time, ILogger<DependencyRecoveryLog> logger) : IHealthCheckPublisher
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _downSince = new(StringComparer.Ordinal);

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = time.GetUtcNow();
        foreach (var (name, entry) in report.Entries)
        {
            if (entry.Status == HealthStatus.Healthy)
            {
                if (_downSince.TryRemove(name, out var since))
                {
                    logger.LogInformation("Dependency {Dependency} recovered at {At:O} after {Seconds:F1} s unavailable", name, now, (now - since).TotalSeconds);
                }
            }
            else if (_downSince.TryAdd(name, now))
            {
                logger.LogWarning("Dependency {Dependency} unavailable since {At:O}: {Description}", name, now, entry.Description ?? entry.Exception?.Message);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The dependencies that are down now, for tests and diagnostics.</summary>
    public IReadOnlyCollection<string> Down => [.. _downSince.Keys];
}
