using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Resources.BookingKit;

namespace Alliance.Server.Tests.Resources;

/// <summary>What a request is refused for at once, and with which status and reason; who may see what; and the database's own guard.</summary>
public sealed class Booking_rules(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task Outside_the_opening_hours_on_a_closed_date_off_the_grain_or_over_capacity_is_a_400_naming_the_reason()
    {
        // resource 1 of the demo: Mon–Fri 09–17, 30 people, 30-minute grain
        var resource = DemoRegion.Resource(1).Value;
        var monday = NextMonday();
        var cases = new (DateTimeOffset Start, DateTimeOffset End, int Head, string Field, string En)[]
        {
            (monday.AddHours(8), monday.AddHours(10), 10, "slot", "The slot is outside the opening hours."),
            (monday.AddDays(5).AddHours(10), monday.AddDays(5).AddHours(11), 10, "slot", "The slot is outside the opening hours."),
            (monday.AddHours(10).AddMinutes(15), monday.AddHours(11), 10, "slot", "The slot must start and end on the resource's 30-minute grain."),
            (monday.AddHours(10), monday.AddHours(11), 31, "headCount", "Over capacity: the resource takes at most 30."),
            (monday.AddHours(11), monday.AddHours(10), 10, "end", "The slot must end after it starts."),
            (monday.AddDays(-14).AddHours(10), monday.AddDays(-14).AddHours(11), 10, "start", "The slot has already begun."),
            (monday.AddDays(364).AddHours(10), monday.AddDays(364).AddHours(11), 10, "start", "Slots can be requested at most 180 days ahead."),
        };
        foreach (var (start, end, head, field, en) in cases)
        {
            using var response = await app.BookAsync(Requester, resource, start, end, head);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.ProblemAsync())["errors"]!.AsObject();
            Assert.True(errors.ContainsKey(field), $"{start:O}: {errors.ToJsonString()}");
            Assert.Equal(en, errors[field]!["en"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(errors[field]!["zh-CN"]!.GetValue<string>()));
        }

        var closedOn = DateOnly.FromDateTime(monday.AddDays(1).Date);
        var room = await app.RoomAsync("例外日测试室", exceptions: [new { date = closedOn.ToString("yyyy-MM-dd"), closed = true, note = "消防检查" }]);
        using var closed = await app.BookAsync(Requester, room, monday.AddDays(1).AddHours(10), monday.AddDays(1).AddHours(11));
        Assert.Equal(HttpStatusCode.BadRequest, closed.StatusCode);
        Assert.Equal("The resource is closed on that date (消防检查).", (await closed.ProblemAsync())["errors"]!["slot"]!["en"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_overlapping_request_for_an_exclusive_resource_is_a_409_but_an_adjacent_one_is_fine()
    {
        var room = await app.RoomAsync("重叠测试室");
        var start = app.Day(3, 10);
        await app.BookedAsync(Requester, room, start, start.AddHours(2));
        using var overlap = await app.BookAsync("zhuting", room, start.AddHours(1), start.AddHours(3));
        Assert.Equal(HttpStatusCode.Conflict, overlap.StatusCode);
        Assert.Equal("booking.slot-taken", (await overlap.ProblemAsync())["code"]!.GetValue<string>());
        await app.BookedAsync("zhuting", room, start.AddHours(2), start.AddHours(3));
    }

    [Fact]
    public async Task The_catalogue_search_for_a_free_slot_leaves_out_a_taken_room_and_one_in_emergency_use()
    {
        var taken = await app.RoomAsync("检索已约测试室");
        var switched = await app.RoomAsync("检索应急测试室");
        var open = await app.RoomAsync("检索空闲测试室");
        var start = app.Day(7, 15);
        await app.BookedAsync(Requester, taken, start, start.AddHours(1));
        using (var emergency = await app.PostAsync(Owner, $"/api/resources/{switched}/emergency", new { from = start, to = start.AddHours(3), reason = "临时征用" }))
        {
            Assert.Equal(HttpStatusCode.Created, emergency.StatusCode);
        }

        using var client = await app.ClientForAsync(Requester);
        var from = Uri.EscapeDataString(start.AddMinutes(30).ToString("O"));
        var to = Uri.EscapeDataString(start.AddHours(2).ToString("O"));
        var page = await client.GetFromJsonAsync<JsonObject>($"/api/resources?q=检索&availableFrom={from}&availableTo={to}");
        Assert.Equal([open], page!["items"]!.AsArray().Select(r => r!["id"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task A_shared_resource_takes_overlapping_requests_up_to_its_capacity()
    {
        var hall = await app.RoomAsync("共享讲座厅", exclusive: false, capacity: 50);
        var start = app.Day(3, 14);
        await app.BookedAsync(Requester, hall, start, start.AddHours(2), headCount: 30);
        await app.BookedAsync("zhuting", hall, start.AddHours(1), start.AddHours(2), headCount: 20);
        await app.BookedAsync("guoqian", hall, start, start.AddHours(1), headCount: 20);    // 50 in the first hour, 50 in the second
        using var full = await app.BookAsync(DemoUsers.SeveralRoles, hall, start.AddMinutes(30), start.AddHours(1).AddMinutes(30), headCount: 1);
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Equal("booking.capacity-full", (await full.ProblemAsync())["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_resource_out_of_scope_is_404_and_so_are_its_bookings()
    {
        var room = await app.RoomAsync("范围测试室");
        var start = app.Day(4, 10);
        var booking = await app.BookedAsync(Requester, room, start, start.AddHours(1));

        using var otherStreet = await app.ClientForAsync(DemoUsers.OtherUnitContact);
        using var request = await otherStreet.PostAsJsonAsync($"/api/resources/{room}/bookings", new { start = start.AddHours(2), end = start.AddHours(3), purpose = "x", headCount = 1 });
        Assert.Equal(HttpStatusCode.NotFound, request.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherStreet.GetAsync($"/api/bookings/{booking.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherStreet.PostAsJsonAsync($"/api/bookings/{booking.Id()}/cancel", new { reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherStreet.PostAsJsonAsync($"/api/resources/{room}/emergency", new { from = start, to = start.AddHours(1), reason = "x" })).StatusCode);

        // a unit of the same alliance sees the resource and its busy times, not another unit's booking
        using var neighbour = await app.ClientForAsync("zhuting");
        Assert.Equal(HttpStatusCode.NotFound, (await neighbour.GetAsync($"/api/bookings/{booking.Id()}")).StatusCode);
        var calendar = await neighbour.GetFromJsonAsync<JsonObject>($"/api/resources/{room}/bookings");
        Assert.Empty(calendar!["bookings"]!.AsArray());
        Assert.Single(calendar["busy"]!.AsArray());
        using var cancel = await neighbour.PostAsJsonAsync($"/api/resources/{room}/emergency", new { from = start, to = start.AddHours(1), reason = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, cancel.StatusCode);
    }

    [Fact]
    public async Task The_database_refuses_a_second_holder_of_a_grain_even_when_the_application_did_not_check()
    {
        var room = new ResourceId(await app.RoomAsync("数据库约束测试室"));
        var at = app.Day(9, 10).UtcDateTime;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        db.Add(new BookingSlot { ResourceId = room, StartUtc = at, EmergencyId = Guid.NewGuid() });
        await db.SaveChangesAsync();

        await using var other = app.Services.CreateAsyncScope();
        var second = other.ServiceProvider.GetRequiredService<AllianceDbContext>();
        second.Add(new BookingSlot { ResourceId = room, StartUtc = at, EmergencyId = Guid.NewGuid() });
        await Assert.ThrowsAsync<DbUpdateException>(() => second.SaveChangesAsync());
    }

    private DateTimeOffset NextMonday()
    {
        var today = app.Day(0, 0);
        var days = ((int)DayOfWeek.Monday - (int)today.DayOfWeek + 7) % 7;
        return today.AddDays(days == 0 ? 7 : days);
    }
}
