using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Contracts.Alliances;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Tests.Infrastructure;
using MassTransit;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Live.LiveTestKit;

namespace Alliance.Server.Tests.Live;

public sealed class Watching_a_stream(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private static string AllianceStream(Guid id) => $"alliance:{id:D}";

    [Theory]
    [InlineData(DemoUsers.UnitContact, "alliance", "community-4")]
    [InlineData(DemoUsers.UnitContact, "inbox", "unit-13")]
    [InlineData(DemoUsers.UnitContact, "supervision", "street-1")]
    [InlineData(DemoUsers.CommunitySecretary, "alliance", "street-2")]
    [InlineData(DemoUsers.OtherStreetChair, "supervision", "street-1")]
    [InlineData(DemoUsers.StreetChair, "meeting", "street-1")]
    [InlineData(DemoUsers.StreetChair, "nonsense", "")]
    public async Task Out_of_scope_is_refused_with_a_reason_and_nothing_is_sent(string user, string kind, string what)
    {
        var key = what switch
        {
            "community-4" => DemoRegion.CommunityAlliance(4).Value,
            "unit-13" => DemoRegion.Unit(13).Value,
            "street-1" => DemoRegion.Street(1).Value,
            "street-2" => DemoRegion.StreetAlliance(2).Value,
            _ => Guid.Empty,
        };
        var stream = kind == "nonsense" ? "nonsense" : $"{kind}:{key:D}";
        await using var connection = await HubClients.ConnectAsync(app, await app.TokenForAsync(user));
        var received = Received.On(connection);
        var pushed = new List<object>();
        foreach (var method in new[] { "ItemChanged", "TaskAssigned", "Escalated" })
        {
            connection.On<JsonElement>(method, e => pushed.Add(e));
        }

        var result = await WatchAsync(connection, stream);

        Assert.False(result.Watching);
        Assert.Equal("stream.not-found", result.Refusal);
        Assert.NotNull(result.Reason);
        await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<JsonElement>("Resume", stream, 0L));
        using var client = await app.ClientForAsync(user);
        using var response = await client.GetAsync($"/api/streams/{stream}/events?after=0");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        // Something happens on the refused stream: nothing reaches this connection.
        if (kind == "alliance")
        {
            await using var admin = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.DistrictAdmin));
            var adminReceived = Received.On(admin);
            Assert.True((await WatchAsync(admin, stream)).Watching);
            await PublishChangesAsync(app, key, 1, "refused");
            Assert.Single(await adminReceived.WaitForAsync(1, Patience));
            await connection.InvokeAsync<WatchResult>("Watch", AllianceStream(DemoRegion.StreetAlliance(1).Value)); // a round trip after the push
        }

        Assert.DoesNotContain(received.Events, e => e.Stream == stream);
        Assert.Empty(pushed);
    }

    [Theory]
    [InlineData(DemoUsers.UnitContact, "alliance")]
    [InlineData(DemoUsers.UnitContact, "inbox")]
    [InlineData(DemoUsers.StreetChair, "supervision")]
    [InlineData(DemoUsers.StreetStaff, "supervision")]
    [InlineData(DemoUsers.DistrictAdmin, "supervision")]
    [InlineData(DemoUsers.DistrictAdmin, "inbox-district")]
    public async Task In_scope_is_watched_from_the_head(string user, string kind)
    {
        var (streamKind, key) = kind switch
        {
            "alliance" => ("alliance", DemoRegion.StreetAlliance(1).Value),
            "inbox" => ("inbox", DemoRegion.Unit(1).Value),
            "inbox-district" => ("inbox", DemoRegion.District.Value),
            _ => ("supervision", DemoRegion.Street(1).Value),
        };
        var stream = $"{streamKind}:{key:D}";
        await using var connection = await HubClients.ConnectAsync(app, await app.TokenForAsync(user));

        var result = await WatchAsync(connection, $"{streamKind}:{key.ToString("D").ToUpperInvariant()}");

        Assert.True(result.Watching, $"{user} {stream}: {result.Refusal}");
        Assert.Equal(stream, result.Stream);
        Assert.Null(result.Refusal);
        using var client = await app.ClientForAsync(user);
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}/events?after=0");
        Assert.Equal(result.Head, page.GetProperty("head").GetInt64());
    }

    [Fact]
    public async Task A_change_through_the_api_reaches_the_watchers_of_the_alliance()
    {
        var alliance = DemoRegion.StreetAlliance(1).Value;
        await using var unit = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.UnitContact));
        var received = Received.On(unit);
        var head = (await WatchAsync(unit, AllianceStream(alliance))).Head;

        using var chair = await app.ClientForAsync(DemoUsers.StreetChair);
        using var renamed = await chair.PutAsJsonAsync($"/api/alliances/{alliance}", new { name = "东湖街道大党工委（新）" });
        renamed.EnsureSuccessStatusCode();

        var change = Assert.Single(await received.WaitForAsync(1, Patience));
        Assert.Equal(AllianceStream(alliance), change.Stream);
        Assert.Equal(head + 1, change.Sequence);
        Assert.Equal("alliance.renamed", change.Change);
        Assert.Equal("东湖街道大党工委（新）", change.Name);
    }

    [Fact]
    public async Task A_duplicated_bus_message_is_appended_and_pushed_once()
    {
        var alliance = DemoRegion.CommunityAlliance(2).Value;
        await using var connection = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.DistrictAdmin));
        var received = Received.On(connection);
        var head = (await WatchAsync(connection, AllianceStream(alliance))).Head;
        var bus = app.Services.GetRequiredService<IBus>();
        var message = new AllianceChanged(alliance, "duplicate", "name");

        await bus.Publish(message);
        await bus.Publish(message);
        await bus.Publish(new AllianceChanged(alliance, "after", "name"));

        var events = await received.WaitForAsync(2, Patience);
        Assert.Equal(["duplicate", "after"], events.Select(e => e.Change));
        Assert.Equal([head + 1, head + 2], events.Select(e => e.Sequence));
        var replay = await ResumeAllAsync(connection, AllianceStream(alliance), head);
        Assert.Equal(2, replay.Count);
    }

    [Fact]
    public async Task Unwatching_stops_the_pushes()
    {
        var alliance = DemoRegion.CommunityAlliance(3).Value;
        var stream = AllianceStream(alliance);
        await using var connection = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.DistrictAdmin));
        var received = Received.On(connection);
        await WatchAsync(connection, stream);
        await PublishChangesAsync(app, alliance, 1, "watched");
        await received.WaitForAsync(1, Patience);

        await connection.InvokeAsync("Unwatch", stream);
        await using var other = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.DistrictAdmin));
        var otherReceived = Received.On(other);
        await WatchAsync(other, stream);
        await PublishChangesAsync(app, alliance, 1, "unwatched");
        await otherReceived.WaitForAsync(1, Patience);
        await connection.InvokeAsync<WatchResult>("Watch", AllianceStream(DemoRegion.StreetAlliance(2).Value)); // a round trip after the push

        Assert.Equal(["watched.1"], received.Events.Select(e => e.Change));
    }
}
