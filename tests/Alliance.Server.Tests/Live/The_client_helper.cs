using System.Threading.Channels;
using Alliance.Client;
using LiveEvent = Alliance.Client.LiveEvent;
using WatchResult = Alliance.Client.WatchResult;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using static Alliance.Server.Tests.Live.LiveTestKit;

namespace Alliance.Server.Tests.Live;

public sealed class The_client_helper(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task Hands_over_each_event_once_in_order_across_a_reconnect()
    {
        var alliance = DemoRegion.CommunityAlliance(1).Value;
        var stream = $"alliance:{alliance:D}";
        await using var live = new LiveClient(Build(await app.TokenForAsync(DemoUsers.CommunitySecretary)));
        var received = Collect(live);
        await live.StartAsync();
        var head = (await live.WatchAsync(stream)).Head;

        await PublishChangesAsync(app, alliance, 3, "live");
        Assert.Equal([head + 1, head + 2, head + 3], (await received.TakeAsync(3)).Select(e => e.Sequence));

        await live.StopAsync(); // dropped
        await PublishChangesAsync(app, alliance, 4, "missed");
        await live.StartAsync(); // reconnect: watches again and resumes from head + 3
        await PublishChangesAsync(app, alliance, 1, "after");

        var next = await received.TakeAsync(5);
        Assert.Equal(Enumerable.Range(4, 5).Select(i => head + i), next.Select(e => e.Sequence));
        Assert.Equal("after.1", next[^1].As<AllianceChangedEvent>().Change);
        Assert.Equal(head + 8, live.Positions[stream]);
        Assert.False(received.HasMore);
    }

    [Fact]
    public async Task Fills_a_gap_in_the_pushes_from_the_log()
    {
        var alliance = DemoRegion.CommunityAlliance(2).Value;
        var stream = $"alliance:{alliance:D}";
        await using var live = new LiveClient(Build(await app.TokenForAsync(DemoUsers.DistrictAdmin)));
        var received = Collect(live);
        await live.StartAsync();
        var head = (await live.WatchAsync(stream)).Head;

        // Behind the helper's back the connection stops receiving the stream for three changes...
        await live.Connection.InvokeAsync("Unwatch", stream);
        await PublishChangesAsync(app, alliance, 3, "unseen");
        using (var client = await app.ClientForAsync(DemoUsers.DistrictAdmin))
        {
            await WaitForHeadAsync(client, stream, head + 3);
        }

        await live.Connection.InvokeAsync<WatchResult>("Watch", stream);
        await PublishChangesAsync(app, alliance, 1, "seen");

        // ...so the push of the fourth shows a gap, and the helper takes the three from the log first.
        Assert.Equal(Enumerable.Range(1, 4).Select(i => head + i), (await received.TakeAsync(4)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Catches_up_a_quiet_stream_whose_pushes_were_lost()
    {
        var alliance = DemoRegion.CommunityAlliance(3).Value;
        var stream = $"alliance:{alliance:D}";
        await using var live = new LiveClient(Build(await app.TokenForAsync(DemoUsers.DistrictAdmin)), catchUp: TimeSpan.FromMilliseconds(300));
        var received = Collect(live);
        await live.StartAsync();
        var head = (await live.WatchAsync(stream)).Head;

        // The pushes of three changes are lost (as when the backplane was away) and nothing is pushed after them:
        // no later push shows the gap, so only the helper's own catch-up can find them.
        await live.Connection.InvokeAsync("Unwatch", stream);
        await PublishChangesAsync(app, alliance, 3, "lost");
        using (var client = await app.ClientForAsync(DemoUsers.DistrictAdmin))
        {
            await WaitForHeadAsync(client, stream, head + 3);
        }

        await live.Connection.InvokeAsync<WatchResult>("Watch", stream);

        Assert.Equal(Enumerable.Range(1, 3).Select(i => head + i), (await received.TakeAsync(3)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Returns_a_refusal_and_watches_nothing_out_of_scope()
    {
        await using var live = new LiveClient(Build(await app.TokenForAsync(DemoUsers.UnitContact)));
        await live.StartAsync();

        var result = await live.WatchAsync($"alliance:{DemoRegion.CommunityAlliance(4).Value:D}");

        Assert.False(result.Watching);
        Assert.Equal("stream.not-found", result.Refusal);
        Assert.NotNull(result.Reason?.En);
        Assert.Empty(live.Positions);
    }

    private HubConnection Build(string token)
    {
        var server = app.Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, AllianceHub.Path.TrimStart('/')), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var client = server.CreateWebSocketClient();
                    client.ConfigureRequest = r => r.Headers.Authorization = $"Bearer {token}";
                    return await client.ConnectAsync(context.Uri, cancellationToken);
                };
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
    }

    private static Inbox Collect(LiveClient live)
    {
        var inbox = new Inbox();
        live.Received += e =>
        {
            inbox.Channel.Writer.TryWrite(e);
            return Task.CompletedTask;
        };
        return inbox;
    }

    private sealed class Inbox
    {
        public Channel<LiveEvent> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<LiveEvent>();

        public bool HasMore => Channel.Reader.TryPeek(out _);

        public async Task<List<LiveEvent>> TakeAsync(int count)
        {
            using var deadline = new CancellationTokenSource(Patience);
            var taken = new List<LiveEvent>();
            while (taken.Count < count)
            {
                taken.Add(await Channel.Reader.ReadAsync(deadline.Token));
            }

            return taken;
        }
    }
}
