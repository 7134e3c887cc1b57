using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace Alliance.Client;

/// <summary>
/// Watches live streams on <c>/hubs/alliance</c> and hands over every event of a watched stream exactly once and
/// in sequence order, with no gaps: it tracks the last sequence per stream, drops what it already has, fills a gap
/// with <c>Resume</c>, and after a reconnect watches again and resumes from where it was. Reconnects by itself
/// (the connection's automatic reconnect, and a restart loop if that gives up). A lost push shows as a gap only when a
/// later one arrives, so a stream that has been quiet for the catch-up interval (20 s by default) is resumed anyway:
/// pushes lost with nothing after them (e.g. while the server's backplane was away) arrive within that interval.
/// <code>
/// await using var live = LiveClient.Create(new Uri("https://host/hubs/alliance"), () => Task.FromResult&lt;string?&gt;(token));
/// live.Received += e => { Console.WriteLine($"{e.Stream}#{e.Sequence} {e.Kind}"); return Task.CompletedTask; };
/// await live.StartAsync();
/// await live.WatchAsync("alliance:0f8c...");
/// </code>
/// </summary>
public sealed class LiveClient : IAsyncDisposable
{
    /// <summary>The client methods that carry stream events.</summary>
    public static readonly IReadOnlyList<string> Kinds =
        ["ItemChanged", "TaskAssigned", "TaskClaimed", "UrgentRaised", "Overdue", "Escalated", "BookingChanged", "VenueSwitched", "VoteTally", "AllianceChanged", "MeetingChanged"];

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HubConnection _connection;
    private readonly ConcurrentDictionary<string, StreamState> _streams = new(StringComparer.Ordinal);
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _pump;
    private readonly Task _catchUp;
    private readonly TimeSpan _catchUpInterval;
    private bool _stoppedOnPurpose;

    /// <summary>How long a watched stream may be quiet before the helper asks the log whether it missed something.</summary>
    public static readonly TimeSpan DefaultCatchUp = TimeSpan.FromSeconds(20);

    /// <param name="connection">A connection to the hub, preferably built with <c>WithAutomaticReconnect</c>.</param>
    /// <param name="catchUp">The catch-up interval (<see cref="DefaultCatchUp"/> when not given).</param>
    public LiveClient(HubConnection connection, TimeSpan? catchUp = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _catchUpInterval = catchUp ?? DefaultCatchUp;
        foreach (var kind in Kinds)
        {
            // Handlers only queue: calling the hub from inside a handler would block the connection's receive loop.
            _connection.On<JsonElement>(kind, data => _work.Writer.TryWrite(new Work.Incoming(ToEvent(kind, data))));
        }

        _connection.Reconnected += _ =>
        {
            _work.Writer.TryWrite(new Work.Rewatch());
            return Task.CompletedTask;
        };
        _connection.Closed += OnClosedAsync;
        _pump = Task.Run(PumpAsync);
        _catchUp = Task.Run(CatchUpAsync);
    }

    /// <summary>Builds a connection that reconnects forever (0, 1, 2, 5, then every 10 seconds) and wraps it.</summary>
    public static LiveClient Create(Uri hub, Func<Task<string?>> accessToken, Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions>? configure = null) =>
        new(new HubConnectionBuilder()
            .WithUrl(hub, options =>
            {
                options.AccessTokenProvider = accessToken;
                configure?.Invoke(options);
            })
            .WithAutomaticReconnect(new ForeverRetryPolicy())
            .Build());

    /// <summary>Each event of a watched stream, once, in sequence order. Called from one task at a time.</summary>
    public event Func<LiveEvent, Task>? Received;

    /// <summary>
    /// A stream fell further behind than the server keeps history (its retention): reload that thing's state;
    /// the helper carries on from the stream's current head.
    /// </summary>
    public event Func<string, Task>? Expired;

    /// <summary>The underlying connection (for its state, or other hub methods).</summary>
    public HubConnection Connection => _connection;

    /// <summary>The streams being watched and the last sequence handed over for each.</summary>
    public IReadOnlyDictionary<string, long> Positions => _streams.ToDictionary(s => s.Key, s => s.Value.Last, StringComparer.Ordinal);

    /// <summary>Connects (again), watches every stream again and resumes each from its last sequence.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _stoppedOnPurpose = false;
        await _connection.StartAsync(cancellationToken);
        await RewatchAsync(cancellationToken);
    }

    /// <summary>Disconnects on purpose (no reconnect). <see cref="StartAsync"/> connects again and resumes.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        _stoppedOnPurpose = true;
        return _connection.StopAsync(cancellationToken);
    }

    /// <summary>
    /// Watches a stream. Without <paramref name="after"/> the helper hands over what happens from now on; with it
    /// (the last sequence the caller already has, e.g. from its own storage) it first replays what came after.
    /// A refusal (out of scope) is returned, not thrown, and nothing is watched.
    /// </summary>
    public async Task<WatchResult> WatchAsync(string stream, long? after = null, CancellationToken cancellationToken = default)
    {
        var result = await _connection.InvokeAsync<WatchResult>("Watch", stream, cancellationToken);
        if (!result.Watching)
        {
            return result;
        }

        var state = _streams.GetOrAdd(result.Stream, _ => new StreamState());
        lock (state)
        {
            if (!state.Started)
            {
                state.Last = after ?? result.Head;
                state.Started = true;
            }
        }

        if (state.Last < result.Head)
        {
            await _work.Writer.WriteAsync(new Work.Fill(result.Stream), cancellationToken);
        }

        return result;
    }

    /// <summary>Stops watching a stream.</summary>
    public async Task UnwatchAsync(string stream, CancellationToken cancellationToken = default)
    {
        _streams.TryRemove(stream, out _);
        await _connection.InvokeAsync("Unwatch", stream, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _stoppedOnPurpose = true;
        await _stopping.CancelAsync();
        _work.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_pump, _catchUp);
        }
        catch (OperationCanceledException)
        {
        }

        await _connection.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task RewatchAsync(CancellationToken cancellationToken)
    {
        foreach (var stream in _streams.Keys)
        {
            var result = await _connection.InvokeAsync<WatchResult>("Watch", stream, cancellationToken);
            if (!result.Watching)
            {
                _streams.TryRemove(stream, out _); // no longer in scope
                continue;
            }

            await _work.Writer.WriteAsync(new Work.Fill(stream), cancellationToken);
        }
    }

    private async Task OnClosedAsync(Exception? error)
    {
        // The automatic reconnect gave up (or there was none): keep trying until stopped on purpose.
        var delay = TimeSpan.FromSeconds(1);
        while (!_stoppedOnPurpose && !_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, _stopping.Token);
                await StartAsync(_stopping.Token);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PumpAsync()
    {
        await foreach (var work in _work.Reader.ReadAllAsync(_stopping.Token))
        {
            try
            {
                switch (work)
                {
                    case Work.Incoming incoming:
                        await OnIncomingAsync(incoming.Event);
                        break;
                    case Work.Fill fill:
                        await FillAsync(fill.Stream);
                        break;
                    case Work.Rewatch:
                        await RewatchAsync(_stopping.Token);
                        break;
                }
            }
            catch (Exception) when (!_stopping.IsCancellationRequested)
            {
                // Disconnected mid-way: the reconnect re-watches and fills from the last position handed over.
            }
        }
    }

    /// <summary>Queues a fill of every watched stream that has been quiet for the catch-up interval, while connected.</summary>
    private async Task CatchUpAsync()
    {
        var period = _catchUpInterval / 2;
        while (!_stopping.IsCancellationRequested)
        {
            await Task.Delay(period, _stopping.Token);
            if (_connection.State != HubConnectionState.Connected)
            {
                continue;
            }

            var now = Environment.TickCount64;
            foreach (var (stream, state) in _streams)
            {
                if (state.Started && now - Volatile.Read(ref state.HeardAt) >= (long)_catchUpInterval.TotalMilliseconds)
                {
                    Volatile.Write(ref state.HeardAt, now);
                    _work.Writer.TryWrite(new Work.Fill(stream));
                }
            }
        }
    }

    private async Task OnIncomingAsync(LiveEvent e)
    {
        if (_streams.TryGetValue(e.Stream, out var heard))
        {
            Volatile.Write(ref heard.HeardAt, Environment.TickCount64);
        }

        if (!_streams.TryGetValue(e.Stream, out var state) || e.Sequence <= state.Last)
        {
            return; // not watched (any more), or already handed over (a replay raced the push)
        }

        if (e.Sequence == state.Last + 1)
        {
            await HandOverAsync(state, e);
            return;
        }

        await FillAsync(e.Stream); // a gap: the missing ones (and this one) come from the log
    }

    private async Task FillAsync(string stream)
    {
        while (_streams.TryGetValue(stream, out var state))
        {
            var page = await _connection.InvokeAsync<JsonElement>("Resume", stream, state.Last, _stopping.Token);
            if (page.GetProperty("expired").GetBoolean())
            {
                state.Last = page.GetProperty("head").GetInt64();
                if (Expired is { } expired)
                {
                    await expired(stream);
                }

                return;
            }

            foreach (var item in page.GetProperty("events").EnumerateArray())
            {
                var e = new LiveEvent(
                    item.GetProperty("stream").GetString()!,
                    item.GetProperty("sequence").GetInt64(),
                    item.GetProperty("kind").GetString()!,
                    item.GetProperty("at").GetDateTimeOffset(),
                    item.GetProperty("data").Clone());
                if (e.Sequence == state.Last + 1)
                {
                    await HandOverAsync(state, e);
                }
            }

            if (!page.GetProperty("hasMore").GetBoolean())
            {
                return;
            }
        }
    }

    private async Task HandOverAsync(StreamState state, LiveEvent e)
    {
        state.Last = e.Sequence;
        if (Received is { } received)
        {
            await received(e);
        }
    }

    private static LiveEvent ToEvent(string kind, JsonElement data) => new(
        data.GetProperty("stream").GetString() ?? "",
        data.GetProperty("sequence").GetInt64(),
        kind,
        data.TryGetProperty("at", out var at) ? at.GetDateTimeOffset() : default,
        data.Clone());

    private sealed class StreamState
    {
        /// <summary>When a push or a catch-up for this stream last happened (<see cref="Environment.TickCount64"/>).</summary>
        public long HeardAt = Environment.TickCount64;

        public long Last { get; set; }

        public bool Started { get; set; }
    }

    private abstract record Work
    {
        public sealed record Incoming(LiveEvent Event) : Work;

        public sealed record Fill(string Stream) : Work;

        public sealed record Rewatch : Work;
    }

    private sealed class ForeverRetryPolicy : IRetryPolicy
    {
        private static readonly TimeSpan[] Delays = [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            retryContext.PreviousRetryCount < Delays.Length ? Delays[retryContext.PreviousRetryCount] : TimeSpan.FromSeconds(10);
    }
}
