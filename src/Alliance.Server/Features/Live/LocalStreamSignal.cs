using System.Collections.Concurrent;
using Alliance.Server.Infrastructure.Realtime;

namespace Alliance.Server.Features.Live;

/// <summary>
/// In-process watchers of streams (the web UI's interactive pages): the node's <see cref="LiveFeed"/> rings this the
/// moment it has appended events, beside pushing them to the hub. A ring carries no data; the watcher reads the
/// stream log after the last sequence it has (<see cref="StreamFollower"/>), so it gets the same events, in the same
/// order, with the same gap-free numbers as a hub client that resumes.
/// </summary>
public sealed class LocalStreamSignal
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, Action>> _watchers = new(StringComparer.Ordinal);

    public IDisposable Subscribe(StreamId stream, Action appended)
    {
        var key = Guid.NewGuid();
        var name = stream.ToString();
        _watchers.GetOrAdd(name, _ => new()).TryAdd(key, appended);
        return new Subscription(() =>
        {
            if (_watchers.TryGetValue(name, out var watchers))
            {
                watchers.TryRemove(key, out _);
            }
        });
    }

    public void Notify(IReadOnlyList<LiveEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (_watchers.IsEmpty)
        {
            return;
        }

        foreach (var stream in events.Select(e => e.Stream).Distinct(StringComparer.Ordinal))
        {
            if (_watchers.TryGetValue(stream, out var watchers))
            {
                foreach (var ring in watchers.Values)
                {
                    ring();
                }
            }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
