using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using static Alliance.Server.Tests.Resources.BookingKit;

namespace Alliance.Server.Tests.Resources;

/// <summary>平急转换: exactly the overlapping bookings are cancelled at once, with a notice; no requests until switched back.</summary>
public sealed class The_emergency_switch(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task Cancels_exactly_the_overlapping_bookings_and_refuses_requests_until_switched_back()
    {
        var room = await app.RoomAsync("平急转换测试室");
        var nine = app.Day(3, 9);
        var before = await app.BookedAsync(Requester, room, nine, nine.AddHours(2));                      // 09–11, ends where the emergency starts
        var first = await app.BookedAsync("zhuting", room, nine.AddHours(2), nine.AddHours(3));          // 11–12
        await app.DoAsync(Owner, first.ItemOf(), "approve", "approve");                                  // confirmed
        var second = await app.BookedAsync("guoqian", room, nine.AddHours(3).AddMinutes(30), nine.AddHours(5)); // 12:30–14, pending
        var after = await app.BookedAsync(Requester, room, nine.AddHours(5), nine.AddHours(6));          // 14–15, starts where it ends

        using (var switched = await app.PostAsync(Chair, $"/api/resources/{room}/emergency", new { from = nine.AddHours(2), to = nine.AddHours(5), reason = "防汛临时安置点" }))
        {
            Assert.True(switched.StatusCode == HttpStatusCode.Created, await switched.Content.ReadAsStringAsync());
            var body = await switched.Content.ReadFromJsonAsync<JsonObject>();
            Assert.Equal([first.Id(), second.Id()], body!["cancelled"]!.AsArray().Select(b => b!.GetValue<Guid>()).Order());
        }

        foreach (var cancelled in new[] { first, second })
        {
            var b = await app.BookingAsync(Owner, cancelled.Id());
            Assert.Equal("cancelled", b["status"]!.GetValue<string>());
            Assert.Equal("emergency", b["cancelCause"]!.GetValue<string>());
            Assert.Equal("防汛临时安置点", b["cancelReason"]!.GetValue<string>());
            Assert.Equal("cancelled", (await app.ItemAsync(Owner, cancelled.ItemOf())).Status());
        }

        Assert.Equal("pending", (await app.BookingAsync(Owner, before.Id()))["status"]!.GetValue<string>());
        Assert.Equal("pending", (await app.BookingAsync(Owner, after.Id()))["status"]!.GetValue<string>());
        Assert.DoesNotContain((await app.InboxAsync(Owner)).OfType<JsonObject>(), t => t["itemId"]!.GetValue<Guid>() == second.ItemOf());

        using (var refused = await app.BookAsync(Requester, room, nine.AddHours(3), nine.AddHours(4)))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("resource.emergency", (await refused.ProblemAsync())["code"]!.GetValue<string>());
        }

        using (var ended = await app.PostAsync(Owner, $"/api/resources/{room}/emergency/end"))
        {
            Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        }

        await app.BookedAsync(Requester, room, nine.AddHours(3), nine.AddHours(4));
        using var owner = await app.ClientForAsync(Owner);
        var history = await owner.GetFromJsonAsync<JsonArray>($"/api/resources/{room}/emergencies");
        var record = Assert.Single(history!.OfType<JsonObject>());
        Assert.Equal(2, record["cancelledBookings"]!.GetValue<int>());
        Assert.False(record["active"]!.GetValue<bool>());

        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var audit = (await admin.GetFromJsonAsync<JsonObject>($"/api/audit?entityId={room}"))!["entries"]!.AsArray();
        Assert.Contains(audit!.OfType<JsonObject>(), e => e["action"]!.GetValue<string>() == "resource.emergency-started");
        Assert.Contains(audit!.OfType<JsonObject>(), e => e["action"]!.GetValue<string>() == "resource.emergency-ended");
    }

    [Fact]
    public async Task Only_the_owner_the_chairs_or_the_district_may_switch()
    {
        var room = await app.RoomAsync("平急权限测试室");
        var from = app.Day(5, 9);
        using var unit = await app.PostAsync("zhuting", $"/api/resources/{room}/emergency", new { from, to = from.AddHours(1), reason = "演练" });
        Assert.Equal(HttpStatusCode.Forbidden, unit.StatusCode);
        using var street = await app.PostAsync(DemoUsers.StreetChair, $"/api/resources/{room}/emergency", new { from, to = from.AddHours(1), reason = "演练" });
        Assert.Equal(HttpStatusCode.Created, street.StatusCode);
        using var twice = await app.PostAsync(DemoUsers.UnitContact, $"/api/resources/{room}/emergency", new { from, to = from.AddHours(1), reason = "演练" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        using var noReason = await app.PostAsync(DemoUsers.UnitContact, $"/api/resources/{room}/emergency", new { from = from.AddDays(1), to = from.AddDays(1).AddHours(1) });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
    }
}
