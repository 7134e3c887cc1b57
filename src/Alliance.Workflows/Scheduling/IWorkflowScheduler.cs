namespace Alliance.Workflows.Scheduling;

/// <summary>
/// Arms timer bookmarks. The host implements it (e.g. a Hangfire job per timer that calls
/// <see cref="Runtime.WorkflowRuntime.FireTimerAsync"/>). Firing early or twice is harmless: the runtime re-arms
/// an early timer and ignores a timer that already fired.
/// </summary>
public interface IWorkflowScheduler
{
    Task ScheduleAsync(BookmarkId timerId, DateTime dueUtc, CancellationToken cancellationToken = default);

    Task CancelAsync(BookmarkId timerId, CancellationToken cancellationToken = default);
}
