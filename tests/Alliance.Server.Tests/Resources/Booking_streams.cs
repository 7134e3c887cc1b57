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
