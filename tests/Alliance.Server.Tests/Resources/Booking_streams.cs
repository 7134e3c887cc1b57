using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using static Alliance.Server.Tests.Live.LiveTestKit;
using static Alliance.Server.Tests.Resources.BookingKit;

namespace Alliance.Server.Tests.Resources;

/// <summary>BookingChanged reaches the resource's stream and both sides' inboxes, gap-free, through the host outbox and the live feed.</summary>
public sealed class Booking_streams(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task Requested_confirmed_and_cancelled_are_pushed_to_the_resource_and_both_inboxes()
    {
        var room = await app.RoomAsync("直播测试室");
        var start = app.Day(4, 10);
        var booking = await app.BookedAsync(Requester, room, start, start.AddHours(1));
        await app.DoAsync(Owner, booking.ItemOf(), "approve", "approve");
        using (var cancelled = await app.PostAsync(Requester, $"/api/bookings/{booking.Id()}/cancel", new { reason = "改期" }))
        {
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        }

        using var owner = await app.ClientForAsync(Owner);
        var onResource = await BookingChangesAsync(owner, $"resource:{room:D}", booking.Id());
        Assert.Equal(["pending", "confirmed", "cancelled"], onResource.Select(e => e.GetProperty("data").GetProperty("status").GetString()));
        var ownerInbox = await BookingChangesAsync(owner, $"inbox:{DemoRegion.Unit(1).Value:D}", booking.Id());
        Assert.Equal(3, ownerInbox.Count);
        using var requester = await app.ClientForAsync(Requester);
        var requesterInbox = await BookingChangesAsync(requester, $"inbox:{DemoRegion.Unit(2).Value:D}", booking.Id());
        Assert.Equal(3, requesterInbox.Count);

        using var other = await app.ClientForAsync(DemoUsers.OtherUnitContact);
        using var refused = await other.GetAsync($"/api/streams/resource:{room:D}/events");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public async Task The_switch_to_emergency_use_and_back_is_pushed_to_the_resource_and_the_owners_inbox()
    {
        var room = await app.RoomAsync("平急推送测试室");
        var start = app.Day(6, 10);
        var booking = await app.BookedAsync(Requester, room, start, start.AddHours(1));
        using (var switched = await app.PostAsync(Owner, $"/api/resources/{room}/emergency", new { from = start, to = start.AddHours(2), reason = "应急避难场所" }))
        {
            Assert.Equal(HttpStatusCode.Created, switched.StatusCode);
        }

        using (var ended = await app.PostAsync(Owner, $"/api/resources/{room}/emergency/end"))
        {
            Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        }

        using var owner = await app.ClientForAsync(Owner);
        foreach (var stream in new[] { $"resource:{room:D}", $"inbox:{DemoRegion.Unit(1).Value:D}" })
        {
            var switches = await EventsAsync(owner, stream, "VenueSwitched", e => e.GetProperty("resourceId").GetGuid() == room, 2);
            Assert.Equal(["emergency", "normal"], switches.Select(e => e.GetProperty("data").GetProperty("mode").GetString()));
            var toEmergency = switches[0].GetProperty("data");
            Assert.Equal("应急避难场所", toEmergency.GetProperty("reason").GetString());
            Assert.Equal(start, toEmergency.GetProperty("from").GetDateTimeOffset());
            Assert.Equal(start.AddHours(2), toEmergency.GetProperty("to").GetDateTimeOffset());
            Assert.Equal([booking.Id()], toEmergency.GetProperty("cancelledBookings").EnumerateArray().Select(b => b.GetGuid()));
            Assert.Equal(toEmergency.GetProperty("emergencyId").GetGuid(), switches[1].GetProperty("data").GetProperty("emergencyId").GetGuid());
        }

        var cancelled = await EventsAsync(owner, $"resource:{room:D}", "BookingChanged", e => e.GetProperty("bookingId").GetGuid() == booking.Id(), 2);
        Assert.Equal(["pending", "cancelled"], cancelled.Select(e => e.GetProperty("data").GetProperty("status").GetString()));
    }

    private static async Task<List<JsonElement>> EventsAsync(HttpClient client, string stream, string kind, Func<JsonElement, bool> mine, int count)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}/events?after=0", deadline.Token);
            var events = page.GetProperty("events").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.GetProperty("sequence").GetInt64()));
            var found = events.Where(e => e.GetProperty("kind").GetString() == kind && mine(e.GetProperty("data"))).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    /// <summary>Waits until the stream holds the booking's three changes; checks the stream's numbers have no gap.</summary>
    private static async Task<List<JsonElement>> BookingChangesAsync(HttpClient client, string stream, Guid booking)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}/events?after=0", deadline.Token);
            var events = page.GetProperty("events").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.GetProperty("sequence").GetInt64()));
            var mine = events.Where(e => e.GetProperty("kind").GetString() == "BookingChanged"
                && e.GetProperty("data").GetProperty("bookingId").GetGuid() == booking).ToList();
            if (mine.Count >= 3)
            {
                return mine;
            }

            await Task.Delay(100, deadline.Token);
        }
    }
}
