using System.Threading.Channels;

namespace Alliance.Server.Features.Live;

/// <summary>
/// Follows streams in-process for one watcher, with the hub's semantics: it starts after a known sequence, and
/// whenever the local feed rings (<see cref="LocalStreamSignal"/>) — or every <see cref="CatchUpInterval"/>, for
/// events another node appended — it reads the log after the last sequence it delivered and hands the events over in
/// order, page by page. Nothing is skipped: a watcher that was slow, or whose browser was away, gets every event after
/// its last one. The caller checks <see cref="StreamAccess"/> before following a stream.
/// </summary>
public sealed class StreamFollower : IAsyncDisposable
{
    public static readonly TimeSpan CatchUpInterval = TimeSpan.FromSeconds(3);

    private readonly StreamLog _log;
    private readonly Dictionary<StreamId, long> _after;
    private readonly Func<IReadOnlyList<StreamEventEnvelope>, Task> _deliver;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly List<IDisposable> _subscriptions = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _timer;
    private readonly Task _loop;

    private StreamFollower(
        StreamLog log, LocalStreamSignal signal, TimeProvider time, IReadOnlyDictionary<StreamId, long> after,
        Func<IReadOnlyList<StreamEventEnvelope>, Task> deliver)
    {
        _log = log;
        _after = new(after);
        _deliver = deliver;
        foreach (var stream in _after.Keys)
        {
            _subscriptions.Add(signal.Subscribe(stream, Ring));
        }

        // wall-clock polling, not business time (a fake clock moved by days would ring it once per 3 s of the move)
        _timer = TimeProvider.System.CreateTimer(_ => Ring(), null, CatchUpInterval, CatchUpInterval);
        Ring(); // what was appended between the caller's read of the heads and now
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The last sequence delivered per stream.</summary>
    public IReadOnlyDictionary<StreamId, long> Positions
    {
        get
        {
            lock (_after)
            {
                return new Dictionary<StreamId, long>(_after);
            }
        }
    }

    /// <summary>Follows <paramref name="after"/>'s streams from the sequence given for each (their heads, for a fresh page).</summary>
    public static StreamFollower Start(
        IServiceProvider services, IReadOnlyDictionary<StreamId, long> after, Func<IReadOnlyList<StreamEventEnvelope>, Task> deliver)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new StreamFollower(
            services.GetRequiredService<StreamLog>(), services.GetRequiredService<LocalStreamSignal>(), services.GetRequiredService<TimeProvider>(),
            after, deliver);
    }

    public void Ring() => _wake.Writer.TryWrite(true);

    public async ValueTask DisposeAsync()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        await _timer.DisposeAsync();
        await _stop.CancelAsync();
        _wake.Writer.TryComplete();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (await _wake.Reader.WaitToReadAsync(_stop.Token))
        {
            _wake.Reader.TryRead(out _);
            foreach (var stream in _after.Keys.ToList())
            {
                await CatchUpAsync(stream);
            }
        }
    }

    private async Task CatchUpAsync(StreamId stream)
    {
        while (true)
        {
            long after;
            lock (_after)
            {
                after = _after[stream];
            }

            StreamPage page;
            try
            {
                page = await _log.ReadAsync(stream, after, StreamLog.MaxPage, _stop.Token);
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                return; // the next ring or tick tries again from the same position
            }

            if (page.Events.Count == 0)
            {
                return;
            }

            await _deliver(page.Events);
            lock (_after)
            {
                _after[stream] = page.Events[^1].Sequence;
            }

            if (!page.HasMore)
            {
                return;
            }
        }
    }
}
