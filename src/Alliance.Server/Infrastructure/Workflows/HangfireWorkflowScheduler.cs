using Alliance.Workflows;
using Alliance.Workflows.Scheduling;
using Hangfire;

namespace Alliance.Server.Infrastructure.Workflows;

/// <summary>
/// Arms each timer bookmark as one delayed Hangfire job. Cancelling does nothing: a job that fires for a
/// timer already consumed or removed has no effect (the runtime ignores it), so no job ids are kept.
/// </summary>
internal sealed class HangfireWorkflowScheduler(IBackgroundJobClient jobs) : IWorkflowScheduler
{
    public Task ScheduleAsync(BookmarkId timerId, DateTime dueUtc, CancellationToken cancellationToken = default)
    {
        jobs.Schedule<WorkflowTimerJob>(job => job.FireAsync(timerId.Value, CancellationToken.None), new DateTimeOffset(DateTime.SpecifyKind(dueUtc, DateTimeKind.Utc)));
        return Task.CompletedTask;
    }

    public Task CancelAsync(BookmarkId timerId, CancellationToken cancellationToken = default) => Task.CompletedTask;
}

/// <summary>The Hangfire job behind a workflow timer. Firing early re-arms; firing twice has no effect.</summary>
public sealed class WorkflowTimerJob(Alliance.Workflows.Runtime.WorkflowRuntime runtime)
{
    [AutomaticRetry(Attempts = 5)]
    public Task FireAsync(Guid timerId, CancellationToken cancellationToken) =>
        runtime.FireTimerAsync(new BookmarkId(timerId), cancellationToken);
}
