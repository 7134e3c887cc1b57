using System.Collections.Concurrent;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Scheduling;

/// <summary>
/// A scheduler in memory, driven by a <see cref="TimeProvider"/>: <see cref="FireDueAsync"/> fires every armed timer
/// that is due. It loses everything on restart, which <see cref="WorkflowRuntime.RearmTimersAsync"/> repairs.
/// </summary>
public sealed class InMemoryWorkflowScheduler(TimeProvider time) : IWorkflowScheduler
{
    private readonly ConcurrentDictionary<BookmarkId, DateTime> _armed = new();

    public IReadOnlyDictionary<BookmarkId, DateTime> Armed => _armed;

    public Task ScheduleAsync(BookmarkId timerId, DateTime dueUtc, CancellationToken cancellationToken = default)
    {
        _armed[timerId] = dueUtc;
        return Task.CompletedTask;
    }

    public Task CancelAsync(BookmarkId timerId, CancellationToken cancellationToken = default)
    {
        _armed.TryRemove(timerId, out _);
        return Task.CompletedTask;
    }

    /// <summary>Fires the due timers, earliest first, until none is due (fired timers may arm new ones); returns how many fired.</summary>
    public async Task<int> FireDueAsync(WorkflowRuntime runtime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var fired = 0;
        var seen = new HashSet<BookmarkId>();
        while (true)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var due = _armed.Where(t => t.Value <= now && !seen.Contains(t.Key)).OrderBy(t => t.Value).Select(t => t.Key).FirstOrDefault();
            if (due == default || !_armed.TryRemove(due, out _))
            {
                return fired;
            }

            seen.Add(due);

            if (await runtime.FireTimerAsync(due, cancellationToken))
            {
                fired++;
            }
        }
    }
}
