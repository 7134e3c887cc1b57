using System.Collections.Concurrent;
using System.Text.Json;
using Alliance.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace Alliance.Faults.Tests;

/// <summary>
/// A person following the alliance board live: the .NET helper (<see cref="LiveClient"/>, which reconnects, fills
/// gaps with Resume and hands each event over once, in order) watching <c>alliance:{id}</c>. Beside what it hands
/// over, every raw push is counted, so that a push sent twice is seen even though the helper drops it.
/// </summary>
public sealed class Watcher : IAsyncDisposable
{
    private readonly LiveClient _live;
    private readonly ConcurrentQueue<LiveEvent> _handedOver = new();
    private readonly ConcurrentDictionary<long, int> _pushes = new();

    private Watcher(LiveClient live, string stream)
    {
        _live = live;
        Stream = stream;
        _live.Received += e =>
        {
            if (e.Stream == Stream)
            {
                _handedOver.Enqueue(e);
            }

            return Task.CompletedTask;
        };
        foreach (var kind in LiveClient.Kinds)
        {
            _live.Connection.On<JsonElement>(kind, data =>
            {
                if (data.TryGetProperty("stream", out var s) && s.GetString() == Stream && data.TryGetProperty("sequence", out var seq))
                {
                    _pushes.AddOrUpdate(seq.GetInt64(), 1, (_, n) => n + 1);
                }
            });
        }
    }

    public string Stream { get; }

    /// <summary>The sequence the watch started after.</summary>
    public long StartHead { get; private set; }

    /// <summary>What the helper handed over, in the order it did.</summary>
    public IReadOnlyList<LiveEvent> HandedOver => [.. _handedOver];

    /// <summary>Sequences pushed more than once to this connection.</summary>
    public IReadOnlyList<long> PushedTwice => [.. _pushes.Where(p => p.Value > 1).Select(p => p.Key).Order()];

    public long Position => _live.Positions.TryGetValue(Stream, out var last) ? last : StartHead;

    public static async Task<Watcher> StartAsync(Uri node, string token, Guid alliance)
    {
        var live = LiveClient.Create(new Uri(node, "hubs/alliance"), () => Task.FromResult<string?>(token));
        var watcher = new Watcher(live, $"alliance:{alliance:D}");
        await live.StartAsync();
        var watch = await live.WatchAsync(watcher.Stream);
        if (!watch.Watching)
        {
            throw new InvalidOperationException($"watch refused: {watch.Refusal}");
        }

        watcher.StartHead = watch.Head;
        return watcher;
    }

    public ValueTask DisposeAsync() => _live.DisposeAsync();
}
