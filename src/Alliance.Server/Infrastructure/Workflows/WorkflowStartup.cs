using Alliance.Workflows.Runtime;
using Hangfire;

namespace Alliance.Server.Infrastructure.Workflows;

/// <summary>
/// Once the host has started: re-arms every persisted timer (past-due ones fire at once, so nothing is lost
/// when an in-memory scheduler restarts) and registers the recurring sweep of expired early stimuli.
/// </summary>
internal sealed class WorkflowStartup(
    WorkflowRuntime runtime,
    IRecurringJobManager recurring,
    IHostApplicationLifetime lifetime,
    ILogger<WorkflowStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<WorkflowMaintenanceJob>("workflow-sweep-expired-stimuli", job => job.SweepAsync(CancellationToken.None), "*/5 * * * *");
        lifetime.ApplicationStarted.Register(() => _ = RearmAsync(lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RearmAsync(CancellationToken cancellationToken)
    {
        try
        {
            var fired = await runtime.RearmTimersAsync(cancellationToken);
            logger.LogInformation("Re-armed workflow timers; {Fired} past-due timer(s) fired at start-up", fired);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Re-arming workflow timers failed");
        }
    }
}

/// <summary>Recurring upkeep of the runtime.</summary>
public sealed class WorkflowMaintenanceJob(WorkflowRuntime runtime)
{
    /// <summary>Moves early stimuli whose time-to-live passed to the dead letters.</summary>
    public Task<int> SweepAsync(CancellationToken cancellationToken) => runtime.SweepExpiredStimuliAsync(cancellationToken);
}
