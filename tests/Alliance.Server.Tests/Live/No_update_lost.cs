using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Live;
using Alliance.Server.Infrastructure;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Live.LiveTestKit;

namespace Alliance.Server.Tests.Live;

public sealed class No_update_lost(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task A_thousand_changes_to_one_stream_arrive_in_order_with_no_gaps()
    {
        var alliance = DemoRegion.StreetAlliance(1).Value;
        var stream = $"alliance:{alliance:D}";
        await using var connection = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.UnitContact));
        var received = Received.On(connection);
        var head = (await WatchAsync(connection, stream)).Head;

        await PublishChangesAsync(app, alliance, 1000, "bulk");

        var events = await received.WaitForAsync(1000, TimeSpan.FromSeconds(120));
        Assert.Equal(1000, events.Count);
        Assert.All(events, e => Assert.Equal(stream, e.Stream));
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => head + i), events.Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => $"bulk.{i}").Order(StringComparer.Ordinal), events.Select(e => e.Change).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task After_a_reconnect_resume_returns_exactly_the_missed_events_in_order()
    {
        var alliance = DemoRegion.StreetAlliance(2).Value;
        var stream = $"alliance:{alliance:D}";
        var token = await app.TokenForAsync(DemoUsers.OtherStreetChair);
        long last;
        await using (var first = await HubClients.ConnectAsync(app, token))
        {
            var received = Received.On(first);
            var head = (await WatchAsync(first, stream)).Head;
            await PublishChangesAsync(app, alliance, 5, "before");
            var seen = await received.WaitForAsync(5, Patience);
            Assert.Equal(Enumerable.Range(1, 5).Select(i => head + i), seen.Select(e => e.Sequence));
            last = seen[^1].Sequence;
            await first.StopAsync(); // the connection drops
        }

        await PublishChangesAsync(app, alliance, 7, "missed");
        using (var client = await app.ClientForAsync(DemoUsers.OtherStreetChair))
        {
            await WaitForHeadAsync(client, stream, last + 7);
        }

        await using var second = await HubClients.ConnectAsync(app, token);
        var live = Received.On(second);
        var watch = await WatchAsync(second, stream);
        var missed = await ResumeAllAsync(second, stream, last);

        Assert.Equal(last + 7, watch.Head);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => last + i), missed.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.All(missed, e => Assert.Equal("AllianceChanged", e.GetProperty("kind").GetString()));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"missed.{i}").Order(StringComparer.Ordinal),
            missed.Select(e => e.GetProperty("data").GetProperty("change").GetString()!).Order(StringComparer.Ordinal));

        // Live again: the next change comes pushed, numbered right after the missed ones.
        await PublishChangesAsync(app, alliance, 1, "after");
        var next = Assert.Single(await live.WaitForAsync(1, Patience));
        Assert.Equal(last + 8, next.Sequence);
    }

    [Fact]
    public async Task The_rest_catch_up_pages_in_order()
    {
        var alliance = DemoRegion.CommunityAlliance(1).Value;
        var stream = $"alliance:{alliance:D}";
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var head = (await client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}/events")).GetProperty("head").GetInt64();
        await PublishChangesAsync(app, alliance, 12, "page");
        await WaitForHeadAsync(client, stream, head + 12);

        var sequences = new List<long>();
        var after = head;
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}/events?after={after}&limit=5");
            Assert.False(page.GetProperty("expired").GetBoolean());
            foreach (var e in page.GetProperty("events").EnumerateArray())
            {
                after = e.GetProperty("sequence").GetInt64();
                sequences.Add(after);
            }

            if (!page.GetProperty("hasMore").GetBoolean())
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(1, 12).Select(i => head + i), sequences);
    }

    [Fact]
    public async Task Concurrent_appends_to_one_stream_get_consecutive_numbers()
    {
        var log = app.Services.GetRequiredService<StreamLog>();
        var stream = StreamId.For(StreamId.Alliance, Guid.NewGuid());
        var appends = Enumerable.Range(1, 40).Select(i => Task.Run(() => log.AppendAsync(Guid.NewGuid(),
            [(stream, new AllianceChangedEvent(stream.Key, $"parallel.{i}", "n"))])));
        var appended = (await Task.WhenAll(appends)).SelectMany(a => a).ToList();

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), appended.Select(e => e.Sequence).Order());
        var page = await log.ReadAsync(stream, 0);
        Assert.Equal(40, page.Head);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), page.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Pruning_keeps_the_numbering_and_tells_a_client_that_is_too_far_behind()
    {
        var log = app.Services.GetRequiredService<StreamLog>();
        var options = app.Services.GetRequiredService<AllianceOptions>();
        var stream = StreamId.For(StreamId.Alliance, Guid.NewGuid());
        for (var i = 1; i <= 3; i++)
        {
            await log.AppendAsync(Guid.NewGuid(), [(stream, new AllianceChangedEvent(stream.Key, $"old.{i}", "n"))]);
        }

        app.Time.Advance(options.LiveRetention + TimeSpan.FromHours(1));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<StreamPruneJob>().PruneAsync(CancellationToken.None) >= 3);
        }

        await log.AppendAsync(Guid.NewGuid(), [(stream, new AllianceChangedEvent(stream.Key, "new", "n"))]);
        var behind = await log.ReadAsync(stream, 1);
        Assert.True(behind.Expired);
        Assert.Equal(4, behind.Head);
        Assert.Equal([4L], behind.Events.Select(e => e.Sequence));
        var current = await log.ReadAsync(stream, 3);
        Assert.False(current.Expired);
        Assert.Equal([4L], current.Events.Select(e => e.Sequence));
    }
}
