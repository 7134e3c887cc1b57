using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Alliance.Server.Infrastructure.Reliability;

/// <summary>
/// Gives every health check a short time limit, so that <c>/health/ready</c> says 503 quickly when a dependency is
/// down instead of waiting out connection timeouts and EF Core's retry back-off (seconds). A check that has not
/// answered within <see cref="Limit"/> is unhealthy; the check is abandoned, not awaited.
/// </summary>
public sealed class BoundedHealthChecks : IPostConfigureOptions<HealthCheckServiceOptions>
{
    /// <summary>Below the 1 s a load balancer is promised, with room for the response itself.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(700);

    private static readonly TimeSpan Backstop = TimeSpan.FromMilliseconds(250);

    public void PostConfigure(string? name, HealthCheckServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var registrations = options.Registrations.ToList();
        options.Registrations.Clear();
        foreach (var r in registrations)
        {
            var original = r.Factory;
            var timeout = r.Timeout == Timeout.InfiniteTimeSpan || r.Timeout > Limit ? Limit : r.Timeout;
            // The service's own limit is a backstop behind ours, so that the report says which check gave no answer (at
            // 100 ms behind, a loaded CI machine once let the backstop fire first); 700 + 250 ms stays below 1 s.
            options.Registrations.Add(new HealthCheckRegistration(
                r.Name, provider => new Bounded(provider.GetRequiredService<IServiceScopeFactory>(), original, timeout), r.FailureStatus, r.Tags, timeout + Backstop)
            {
                Delay = r.Delay,
                Period = r.Period,
            });
        }
    }

    /// <summary>
    /// Runs the check in a DI scope of its own, disposed once the check has finished, however late: an abandoned check
    /// still holds what it resolved (a DbContext whose connection is still connecting), and disposing that under it
    /// threw out of the health check service ("Can't close, connection is in state Connecting": a 500, not a 503).
    /// </summary>
    private sealed class Bounded(IServiceScopeFactory scopes, Func<IServiceProvider, IHealthCheck> create, TimeSpan timeout) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var scope = scopes.CreateAsyncScope();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            // On the thread pool, so that the limit holds for the check's synchronous part too: the first check of a
            // DbContext builds EF Core's model and services before its first await, which on a loaded machine took over
            // a second while the timer had not yet started (CI, 2026-12-06).
            var check = Task.Run(() => create(scope.ServiceProvider).CheckHealthAsync(context, limit.Token), CancellationToken.None);
            try
            {
                return await check.WaitAsync(timeout, cancellationToken);
            }
            catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return new HealthCheckResult(context.Registration.FailureStatus, $"no answer within {timeout.TotalMilliseconds:F0} ms");
            }
            finally
            {
                // when the check is done (at once, or after it was abandoned): observe a late failure, then free its scope
                _ = check.ContinueWith(async t =>
                {
                    _ = t.Exception;
                    try
                    {
                        await scope.DisposeAsync();
                    }
                    catch (Exception)
                    {
                        // what an abandoned check leaves behind may refuse to close; the check's answer was given already
                    }
                }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            }
        }
    }
}
