using Alliance.Server.Infrastructure.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace Alliance.Server.Features.Live;

/// <summary>
/// Appends stream events and pushes them to the hub group of each stream. Bus consumers call this; their queues
/// are shared by the nodes (competing consumers), so one node appends and pushes each event, and with
/// <c>Alliance:Redis</c> the SignalR backplane carries the push to every node's connections (no double delivery).
/// On one node, appending and pushing to a stream happen under that stream's lock, so pushes leave in sequence
/// order; across nodes a client may see a later number first, and the client helper fills the gap with Resume.
/// </summary>
public sealed class LiveFeed(StreamLog log, IHubContext<AllianceHub, IAllianceClient> hub, ILogger<LiveFeed> logger)
{
    private static readonly SemaphoreSlim[] Stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>The SignalR group of a stream's watchers.</summary>
    public static string GroupOf(StreamId stream) => "stream:" + stream;

    public async Task<IReadOnlyList<LiveEvent>> PublishAsync(
        Guid sourceEventId, IReadOnlyList<(StreamId Stream, LiveEvent Event)> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return [];
        }

        var stripes = entries.Select(e => StripeOf(e.Stream)).Distinct().Order().ToArray();
        foreach (var stripe in stripes)
        {
            await Stripes[stripe].WaitAsync(cancellationToken);
        }

        try
        {
            var appended = await log.AppendAsync(sourceEventId, entries, cancellationToken);
            foreach (var change in appended)
            {
                try
                {
                    await change.SendTo(hub.Clients.Group("stream:" + change.Stream));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The event is stored: a client that missed the push gets it with Resume.
                    logger.LogWarning(e, "Pushing {Stream}#{Sequence} failed; clients will resume it", change.Stream, change.Sequence);
                }
            }

            return appended;
        }
        finally
        {
            foreach (var stripe in stripes)
            {
                Stripes[stripe].Release();
            }
        }
    }

    private static int StripeOf(StreamId stream) => (int)((uint)StringComparer.Ordinal.GetHashCode(stream.ToString()) % (uint)Stripes.Length);
}
