using Alliance.Workflows.Model;

namespace Alliance.Workflows.Runtime;

/// <summary>Timers: firing (never early, at most once) and re-arming on start-up.</summary>
public sealed partial class WorkflowRuntime
{
    /// <summary>
    /// Called by the scheduler when a timer is due. A timer that already fired (or was cancelled) has no effect;
    /// one called early is re-armed and does not fire. Returns true when it fired now.
    /// </summary>
    public async Task<bool> FireTimerAsync(BookmarkId timerId, CancellationToken cancellationToken = default)
    {
        var timer = await _store.FindBookmarkAsync(timerId, cancellationToken);
        if (timer is null || timer.Kind != BookmarkKind.Timer)
        {
            return false;
        }

        if (timer.DueUtc > UtcNow)
        {
            await _scheduler.ScheduleAsync(timer.Id, timer.DueUtc.Value, cancellationToken);
            return false;
        }

        try
        {
            return await MutateAsync(timer.InstanceId, Actor.System, execution =>
            {
                var live = execution.FindBookmark(timerId);
                if (live is null || execution.Instance.IsClosed)
                {
                    return ValueTask.FromResult(Unchanged(false));
                }

                execution.FireTimer(live);
                return ValueTask.FromResult(Changed(true));
            }, null, cancellationToken);
        }
        catch (WorkflowConflictException ex) when (ex.Code == ConflictCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// On start-up: hands every persisted timer to the scheduler again and fires the past-due ones at once, so an
    /// in-memory scheduler loses nothing across a restart. Returns how many fired now.
    /// </summary>
    public async Task<int> RearmTimersAsync(CancellationToken cancellationToken = default)
    {
        var fired = 0;
        foreach (var timer in await _store.ListTimersAsync(cancellationToken))
        {
            if (timer.DueUtc <= UtcNow)
            {
                fired += await FireTimerAsync(timer.Id, cancellationToken) ? 1 : 0;
            }
            else
            {
                await _scheduler.ScheduleAsync(timer.Id, timer.DueUtc!.Value, cancellationToken);
            }
        }

        return fired;
    }
}
