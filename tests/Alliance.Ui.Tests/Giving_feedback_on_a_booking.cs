using Alliance.Server.Features.Access;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// 使用反馈 after a booking's slot: each side's feedback is a task of the booking's route in its 待办. The owner's contact
/// has given theirs; the requester's contact completes hers on a phone with a rating and a note, and 我的预约 then shows
/// the booking as used with the rating and both sides' feedback.
/// </summary>
[Collection(SharedUi.Name)]
public sealed class Giving_feedback_on_a_booking(UiServer ui)
{
    private const string TaxRoom = "东湖税务所党员活动室";

    [Fact]
    public async Task The_requester_gives_feedback_from_her_task_inbox_and_the_booking_shows_both_sides()
    {
        var date = UiDays.Ahead(13, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday);
        var start = new DateTimeOffset(date.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8));
        var booking = await ui.AsAsync(DemoUsers.HospitalContact, (services, scope) => services.GetRequiredService<BookingOperations>().RequestAsync(scope,
            DemoRegion.Resource(1), new BookingsApi.BookingRequest(start, start.AddHours(1), "医院党员志愿服务培训", 15, DemoRegion.Unit(2)), CancellationToken.None));
        var item = booking.ItemId!.Value;
        await ui.CompleteAsync(DemoUsers.UnitContact, item, "approve", "approve", null);
        await ui.SlotPassesAsync(item);
        await ui.CompleteAsync(DemoUsers.UnitContact, item, "owner-feedback", "used", "活动有序，场地整洁");
        var task = await ui.AsAsync(DemoUsers.HospitalContact, (services, scope) => OpenedAsync(services.GetRequiredService<TaskOperations>(), scope, item, "requester-feedback"));

        var requester = await ui.PhoneAsync(DemoUsers.HospitalContact);
        await requester.ClickAsync("nav a[href='/bookings']");
        var card = requester.Locator($"[data-testid=booking][data-booking='{booking.Id.Value}']");
        await Assertions.Expect(card.Locator("[data-testid=booking-status]")).ToHaveTextAsync("已批准");
        await requester.ClickAsync("nav a[href='/tasks']");
        await Assertions.Expect(requester.Locator("[data-testid=live-state][data-following=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        var feedback = requester.Locator($"[data-testid=task][data-task='{task.Id}']");
        await Assertions.Expect(feedback).ToContainTextAsync("资源使用反馈与满意度（使用方）");
        await feedback.Locator("[data-testid=claim]").ClickAsync();
        await feedback.Locator("[data-testid=outcome]").SelectOptionAsync("satisfied");
        await feedback.Locator("[data-testid=field-feedback]").FillAsync("场地宽敞，设备齐全");
        await feedback.Locator("[data-testid=field-feedback]").PressAsync("Tab");
        await UiServer.ScreenshotAsync(requester, "requester-booking-feedback-task");
        await feedback.Locator("[data-testid=complete]").ClickAsync();
        await Assertions.Expect(feedback).ToHaveCountAsync(0);

        await requester.GotoAsync("/bookings");
        await Assertions.Expect(card.Locator("[data-testid=booking-status]")).ToHaveTextAsync("已使用", new() { Timeout = 20_000 });
        await Assertions.Expect(card.Locator("[data-testid=requester-rating]")).ToHaveTextAsync("满意");
        await Assertions.Expect(card.Locator("[data-testid=requester-feedback]")).ToHaveTextAsync("场地宽敞，设备齐全");
        await Assertions.Expect(card.Locator("[data-testid=owner-feedback]")).ToHaveTextAsync("活动有序，场地整洁");
        await card.ScrollIntoViewIfNeededAsync();
        await MeetingsKit.AssertFitsAsync(requester);
        await UiServer.ScreenshotAsync(requester, "requester-booking-feedback-shown");
        await requester.Context.CloseAsync();
    }

    /// <summary>The person's open <paramref name="step"/> task of the item, once the route has opened it (with RabbitMQ a moment after the action before it).</summary>
    internal static async Task<TasksApi.TaskView> OpenedAsync(TaskOperations tasks, AccessScope person, ItemId item, string step)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var open = (await tasks.InboxAsync(person, CancellationToken.None, item)).Where(t => t.Step == step).ToList();
            if (open.Count == 1 || DateTime.UtcNow > deadline)
            {
                return Assert.Single(open);
            }

            await Task.Delay(100);
        }
    }
}

internal static class BookingRouteKit
{
    /// <summary>The person claims the item's open <paramref name="step"/> task and completes it with the outcome and, if given, a feedback note.</summary>
    public static Task CompleteAsync(this UiServer ui, string user, ItemId item, string step, string outcome, string? feedback) =>
        ui.AsAsync(user, async (services, scope) =>
        {
            var tasks = services.GetRequiredService<TaskOperations>();
            var task = await Giving_feedback_on_a_booking.OpenedAsync(tasks, scope, item, step);
            await tasks.ClaimAsync(scope, task.Id, CancellationToken.None);
            var fields = feedback is null ? null : new System.Text.Json.Nodes.JsonObject { ["feedback"] = feedback };
            await tasks.CompleteAsync(scope, task.Id, new TasksApi.CompleteTaskRequest(outcome, null, fields), CancellationToken.None);
            return true;
        });

    /// <summary>
    /// Lets the booking's slot pass for its route: its waits for the reminder and for the end of the slot (the timers
    /// before-use and in-use) are brought forward to now and fired, as the scheduler fires them when they fall due.
    /// </summary>
    public static async Task SlotPassesAsync(this UiServer ui, ItemId item)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            await using var scope = ui.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var instance = new InstanceId(await db.Set<Item>().AsNoTracking().Where(i => i.Id == item).Select(i => i.WorkflowInstanceId).SingleAsync());
            var timers = await db.Set<Bookmark>().Where(b => b.InstanceId == instance && b.Kind == BookmarkKind.Timer && (b.ActivityId == "before-use" || b.ActivityId == "in-use"))
                .ToListAsync();
            if (timers.Count == 0 && await db.Set<Item>().AsNoTracking().AnyAsync(i => i.Id == item && i.Status == "feedback"))
            {
                return;
            }

            timers.ForEach(t => t.DueUtc = DateTime.UtcNow.AddSeconds(-1));
            await db.SaveChangesAsync();
            foreach (var timer in timers)
            {
                await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().FireTimerAsync(timer.Id);
            }

            await Task.Delay(100);
        }

        Assert.Fail("the booking's route did not reach its feedback step");
    }
}
