using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using WorkflowOutbox = Alliance.Workflows.Model.OutboxMessage;
using InstanceId = Alliance.Workflows.InstanceId;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Resources.BookingKit;

namespace Alliance.Server.Tests.Resources;

/// <summary>Every branch of a request's route (workflow resource-request), as the demo users, with the fake clock.</summary>
public sealed class The_booking_route(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task The_owner_approves_from_its_inbox_and_the_booking_is_confirmed()
    {
        var room = await app.RoomAsync("批准测试室");
        var booking = await app.BookedAsync(Requester, room, app.Day(5, 10), app.Day(5, 12));
        Assert.Equal("pending", booking["status"]!.GetValue<string>());

        var task = await app.TaskAsync(Owner, booking.ItemOf(), "approve");
        Assert.Equal(["approve", "decline"], task["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
        await app.CompleteAsync(Owner, task["id"]!.GetValue<Guid>(), "approve", fields: new { note = "请提前十分钟到场" });

        var confirmed = await app.BookingAsync(Requester, booking.Id());
        Assert.Equal("confirmed", confirmed["status"]!.GetValue<string>());
        Assert.Equal("owner", confirmed["decidedBy"]!.GetValue<string>());
        Assert.Equal("请提前十分钟到场", confirmed["decisionNote"]!.GetValue<string>());
        Assert.Equal(["BookingRequested", "BookingConfirmed"], await EventsAsync(booking.Id()));
    }

    [Fact]
    public async Task A_decline_frees_the_slot_and_tells_both_sides()
    {
        var room = await app.RoomAsync("拒绝测试室");
        var booking = await app.BookedAsync(Requester, room, app.Day(6, 14), app.Day(6, 16));
        using (var taken = await app.BookAsync("zhuting", room, app.Day(6, 15), app.Day(6, 17)))
        {
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        }

        await app.DoAsync(Owner, booking.ItemOf(), "approve", "decline", "当天有内部会议");
        var declined = await app.BookingAsync(Requester, booking.Id());
        Assert.Equal("declined", declined["status"]!.GetValue<string>());
        Assert.Equal("当天有内部会议", declined["cancelReason"]!.GetValue<string>());
        Assert.Equal(["BookingRequested", "BookingCancelled"], await EventsAsync(booking.Id()));

        var again = await app.BookedAsync("zhuting", room, app.Day(6, 15), app.Day(6, 17));
        Assert.Equal("pending", again["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Silence_past_the_deadline_escalates_to_the_alliance_chair_who_decides()
    {
        var room = await app.RoomAsync("升级测试室");
        var booking = await app.BookedAsync(Requester, room, app.Day(5, 9), app.Day(5, 11));
        await app.PassAsync(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));

        Assert.DoesNotContain((await app.InboxAsync(Owner)).OfType<JsonObject>(), t => t["itemId"]!.GetValue<Guid>() == booking.ItemOf());
        var task = await app.TaskAsync(Chair, booking.ItemOf(), "approve");
        Assert.True(task["escalated"]!.GetValue<bool>());
        await app.CompleteAsync(Chair, task["id"]!.GetValue<Guid>(), "approve");

        var confirmed = await app.BookingAsync(Requester, booking.Id());
        Assert.Equal("confirmed", confirmed["status"]!.GetValue<string>());
        Assert.Equal("chair", confirmed["decidedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_resource_that_needs_no_approval_is_confirmed_at_once()
    {
        var room = await app.RoomAsync("免审批测试室", requiresApproval: false);
        var booking = await app.BookedAsync(Requester, room, app.Day(4, 9), app.Day(4, 10));
        Assert.Equal("confirmed", booking["status"]!.GetValue<string>());
        Assert.Equal("auto", booking["decidedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_requester_is_reminded_before_use_then_both_sides_give_feedback_and_the_use_is_counted()
    {
        var room = await app.RoomAsync("使用反馈测试室", requiresApproval: false);
        var (start, end) = (app.Day(3, 14), app.Day(3, 16));
        var booking = await app.BookedAsync(Requester, room, start, end);
        var instance = (await app.ItemAsync(Requester, booking.ItemOf()))["workflowInstanceId"]!.GetValue<Guid>();

        // the rules' reminder offset (1 day) before the start, not earlier
        await app.PassUntilAsync(start.AddDays(-1).AddMinutes(-1));
        Assert.Equal(0, await NotificationsAsync(instance));
        await app.PassAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await NotificationsAsync(instance));

        await app.PassUntilAsync(end.AddMinutes(1));
        await app.DoAsync(Owner, booking.ItemOf(), "owner-feedback", "used", fields: new { feedback = "活动有序，场地整洁" });
        await app.DoAsync(Requester, booking.ItemOf(), "requester-feedback", "satisfied", fields: new { feedback = "场地很好" });

        var used = await app.BookingAsync(Requester, booking.Id());
        Assert.Equal("used", used["status"]!.GetValue<string>());
        Assert.Equal("满意", used["requesterRating"]!.GetValue<string>());
        Assert.Equal("活动有序，场地整洁", used["ownerFeedback"]!.GetValue<string>());

        using var chair = await app.ClientForAsync(Chair);
        var figures = await chair.GetFromJsonAsync<JsonObject>($"/api/resources/figures?alliance={DemoRegion.CommunityAlliance(1)}&year=2026");
        var mine = figures!["perResource"]!.AsArray().OfType<JsonObject>().Single(r => r["resourceId"]!.GetValue<Guid>() == room);
        Assert.Equal(1, mine["uses"]!.GetValue<int>());
        Assert.StartsWith("共享场地、物资 ", figures["textZh"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_owner_reports_no_show_or_nobody_answers_the_use_is_decided_accordingly()
    {
        var room = await app.RoomAsync("未使用测试室", requiresApproval: false);
        var nine = app.Day(1, 9);
        var noShow = await app.BookedAsync(Requester, room, nine, nine.AddHours(1));
        var silent = await app.BookedAsync(Requester, room, nine.AddHours(1), nine.AddHours(2));
        await app.PassUntilAsync(nine.AddHours(2).AddMinutes(1));
        await app.DoAsync(Owner, noShow.ItemOf(), "owner-feedback", "notUsed", fields: new { feedback = "无人到场" });
        await app.DoAsync(Requester, noShow.ItemOf(), "requester-feedback", "basicallySatisfied");
        await app.PassAsync(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(5));

        Assert.Equal("notUsed", (await app.BookingAsync(Requester, noShow.Id()))["status"]!.GetValue<string>());
        Assert.Equal("used", (await app.BookingAsync(Requester, silent.Id()))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_requester_cancels_before_the_cut_off_but_not_after_it_and_the_owner_needs_a_reason()
    {
        var room = await app.RoomAsync("取消测试室", requiresApproval: false);
        var early = await app.BookedAsync(Requester, room, app.Day(8, 9), app.Day(8, 10));
        using (var cancelled = await app.PostAsync(Requester, $"/api/bookings/{early.Id()}/cancel", new { reason = "活动改期" }))
        {
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        }

        var done = await app.BookingAsync(Owner, early.Id());
        Assert.Equal("cancelled", done["status"]!.GetValue<string>());
        Assert.Equal("requester", done["cancelCause"]!.GetValue<string>());
        Assert.Equal("cancelled", (await app.ItemAsync(Requester, early.ItemOf())).Status());
        Assert.Equal(["BookingRequested", "BookingConfirmed", "BookingCancelled"], await EventsAsync(early.Id()));

        var lateStart = app.Day(2, 9);
        var late = await app.BookedAsync(Requester, room, lateStart, lateStart.AddHours(1));
        await app.PassUntilAsync(lateStart.AddHours(-12));
        using (var refused = await app.PostAsync(Requester, $"/api/bookings/{late.Id()}/cancel", new { reason = "临时有事" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("booking.cancel-cutoff", (await refused.ProblemAsync())["code"]!.GetValue<string>());
        }

        using (var noReason = await app.PostAsync(Owner, $"/api/bookings/{late.Id()}/cancel", new { }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        }

        using (var byOwner = await app.PostAsync(Owner, $"/api/bookings/{late.Id()}/cancel", new { reason = "停电检修" }))
        {
            Assert.Equal(HttpStatusCode.OK, byOwner.StatusCode);
        }

        var ownerCancelled = await app.BookingAsync(Requester, late.Id());
        Assert.Equal("owner", ownerCancelled["cancelCause"]!.GetValue<string>());
        using var again = await app.PostAsync(Owner, $"/api/bookings/{late.Id()}/cancel", new { reason = "再次" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_request_still_undecided_when_its_slot_begins_expires_and_frees_the_slot()
    {
        var room = await app.RoomAsync("过期测试室");
        var start = app.Day(1, 20);
        var booking = await app.BookedAsync(Requester, room, start, start.AddHours(1));
        await app.PassUntilAsync(start.AddMinutes(1));
        var expired = await app.BookingAsync(Requester, booking.Id());
        Assert.Equal("cancelled", expired["status"]!.GetValue<string>());
        Assert.Equal("expired", expired["cancelCause"]!.GetValue<string>());
        Assert.Empty(await SlotsAsync(room));
    }

    [Fact]
    public async Task A_booking_whose_route_never_started_gets_it_from_the_sweep()
    {
        // what a crash between holding the slot and starting the route leaves behind
        var room = new ResourceId(await app.RoomAsync("补启动测试室"));
        var start = app.Day(6, 10).UtcDateTime;
        var id = BookingId.New();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            db.Add(new Booking
            {
                Id = id, ResourceId = room, RequesterId = DemoRegion.Unit(2), RequestedBy = DemoRegion.Person(Requester), StartUtc = start,
                EndUtc = start.AddHours(1), Purpose = "孤儿预约", HeadCount = 5, Status = BookingStatus.Pending, CreatedUtc = app.Time.GetUtcNow().UtcDateTime,
            });
            db.Add(new BookingSlot { ResourceId = room, StartUtc = start, BookingId = id });
            db.Add(new BookingSlot { ResourceId = room, StartUtc = start.AddMinutes(30), BookingId = id });
            await db.SaveChangesAsync();
        }

        await app.PassAsync(TimeSpan.FromMinutes(2));

        var booking = await app.BookingAsync(Requester, id.Value);
        Assert.NotNull(booking["itemId"]);
        await app.DoAsync(Owner, booking.ItemOf(), "approve", "approve");
        Assert.Equal("confirmed", (await app.BookingAsync(Requester, id.Value))["status"]!.GetValue<string>());
    }

    private async Task<List<string>> EventsAsync(Guid booking)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var rows = await db.Set<OutboxMessage>().AsNoTracking().OrderBy(m => m.Position).ToListAsync();
        return [.. rows.Where(r => r.PayloadJson.Contains(booking.ToString(), StringComparison.OrdinalIgnoreCase) && r.Type.Contains(".Resources.", StringComparison.Ordinal))
            .Select(r => r.Type[(r.Type.LastIndexOf('.') + 1)..])];
    }

    private async Task<int> NotificationsAsync(Guid instance)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        return await db.Set<WorkflowOutbox>().CountAsync(o => o.InstanceId == new InstanceId(instance) && o.MessageType == "notification");
    }

    private async Task<List<BookingSlot>> SlotsAsync(Guid resource)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        return await db.Set<BookingSlot>().AsNoTracking().Where(s => s.ResourceId == new ResourceId(resource)).ToListAsync();
    }
}
