using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Alliance.Server.Infrastructure.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace Alliance.Server.Features.Live;

/// <summary>
/// Appends stream events and pushes them to the hub group of each stream. Bus consumers call this; their queues
/// are shared by the nodes (competing consumers), so one node appends and pushes each event, and with
/// <c>Alliance:Redis</c> the SignalR backplane carries the push to every node's connections (no double delivery).
/// <para>
/// One writer per node takes what the consumers hand in, appends all that is waiting in one transaction (group
/// commit: one commit for many changes), starts the pushes of the appended events in sequence order without
/// waiting for each one's round trip to the backplane (they are pipelined on its connection), and goes on with the
/// next group while they travel. A consumer's call completes once its events are stored and their pushes have left
/// (so a message is acknowledged only once its events are stored). Pushes from one node therefore leave in
/// sequence order; across nodes a client may see a later number first, and the client helper
/// fills the gap with Resume.
/// </para>
/// </summary>
public sealed class LiveFeed : IAsyncDisposable
{
    /// <summary>At most this many bus events go into one append transaction.</summary>
    public const int MaxBatch = 256;

    private readonly StreamLog _log;
    private readonly IHubContext<AllianceHub, IAllianceClient> _hub;
    private readonly ILogger<LiveFeed> _logger;
    private readonly TimeProvider _time;
    private readonly LocalStreamSignal _local;
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writer;
    private readonly Histogram<int> _groupSize;
    private readonly Histogram<double> _appendDuration;
    private readonly Histogram<double> _pushLag;

    public LiveFeed(
        StreamLog log, IHubContext<AllianceHub, IAllianceClient> hub, ILogger<LiveFeed> logger, IMeterFactory meters, TimeProvider time,
        LocalStreamSignal local)
    {
        _local = local;
        ArgumentNullException.ThrowIfNull(meters);
        _log = log;
        _hub = hub;
        _logger = logger;
        _time = time;
        var meter = meters.Create(Infrastructure.TelemetrySetup.ServiceName);
        _groupSize = meter.CreateHistogram<int>("alliance.live.group.size", "{message}", "Bus messages appended in one transaction (group commit)");
        _appendDuration = meter.CreateHistogram<double>("alliance.live.append.duration", "s", "Time to append one group to the stream log");
        _pushLag = meter.CreateHistogram<double>("alliance.live.push.lag", "s", "From a stream event's moment (its At) until its pushes have left this node");
        _writer = Task.Run(WriteAsync);
    }


    /// <summary>The SignalR group of a stream's watchers.</summary>
    public static string GroupOf(StreamId stream) => GroupOf(stream.ToString());

    private static string GroupOf(string stream) => "stream:" + stream;

    /// <summary>Appends (once per source event, stream and kind) and pushes; completes when stored and pushed.</summary>
    public async Task<IReadOnlyList<LiveEvent>> PublishAsync(
        Guid sourceEventId, IReadOnlyList<(StreamId Stream, LiveEvent Event)> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return [];
        }

        var pending = new Pending(sourceEventId, entries);
        await _pending.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Done.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _writer;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync(_stopping.Token))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            var started = Stopwatch.GetTimestamp();
            IReadOnlyList<IReadOnlyList<LiveEvent>>? appended = null;
            try
            {
                appended = await _log.AppendBatchAsync([.. batch.Select(p => (p.Source, p.Entries))], _stopping.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogDebug(e, "A group append of {Count} failed; appending one by one", batch.Count);
            }

            if (appended is not null)
            {
                _groupSize.Record(batch.Count);
                _appendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }

            var pushes = new List<(Pending Pending, IReadOnlyList<LiveEvent> Events, Task Sent)>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                var pending = batch[i];
                try
                {
                    var events = appended?[i] ?? await _log.AppendAsync(pending.Source, pending.Entries, _stopping.Token);
                    pushes.Add((pending, events, Push(events)));
                    _local.Notify(events);
                }
                catch (Exception e)
                {
                    pending.Done.TrySetException(e); // the consumer fails, the bus retries the message
                }
            }

            _ = CompleteAsync(pushes);
        }
    }

    /// <summary>
    /// Starts the pushes of <paramref name="events"/> in sequence order without waiting for each: the hub's
    /// lifetime manager hands each send to the backplane (one Redis connection, in call order) or to each
    /// connection's write queue before returning, so the order holds while the round trips overlap.
    /// </summary>
    private Task Push(IReadOnlyList<LiveEvent> events)
    {
        if (events.Count == 1)
        {
            return Guarded(events[0]);
        }

        var sends = new Task[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            sends[i] = Guarded(events[i]);
        }

        return Task.WhenAll(sends);
    }

    private async Task Guarded(LiveEvent change)
    {
        try
        {
            await change.SendTo(_hub.Clients.Group(GroupOf(change.Stream)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The event is stored: a client that missed the push gets it with Resume.
            _logger.LogWarning(e, "Pushing {Stream}#{Sequence} failed; clients will resume it", change.Stream, change.Sequence);
        }
    }

    /// <summary>Completes each consumer's call once its events' pushes have left (the writer goes on meanwhile).</summary>
    private async Task CompleteAsync(List<(Pending Pending, IReadOnlyList<LiveEvent> Events, Task Sent)> pushes)
    {
        foreach (var (pending, events, sent) in pushes)
        {
            try
            {
                await sent;
                if (_pushLag.Enabled)
                {
                    var now = _time.GetUtcNow();
                    foreach (var change in events)
                    {
                        _pushLag.Record((now - change.At).TotalSeconds);
                    }
                }

                pending.Done.TrySetResult(events);
            }
            catch (Exception e)
            {
                pending.Done.TrySetException(e);
            }
        }
    }

    private sealed record Pending(Guid Source, IReadOnlyList<(StreamId Stream, LiveEvent Event)> Entries)
    {
        public TaskCompletionSource<IReadOnlyList<LiveEvent>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
