using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>The bell in the shell and the notification centre page, on a 360×740 phone.</summary>
[Collection(SharedUi.Name)]
public sealed class Notification_centre(UiServer ui)
{
    // 袁鹏 (unit 13): no other UI test tells him anything directly, so his counts move with this test (but tasks
    // published to his unit by other tests can reach him on the real-server pass).
    private const string Person = DemoUsers.OtherUnitContact;

    [Fact]
    public async Task The_bell_count_rises_live_when_a_notification_arrives_the_list_shows_it_and_marking_it_read_lowers_the_count()
    {
        var page = await ui.PhoneAsync(Person);
        await page.GotoAsync("/notifications");
        await Assertions.Expect(page.Locator("[data-testid=live-state]")).ToHaveAttributeAsync("data-following", "true");
        await Assertions.Expect(page.Locator("[data-testid=bell]")).ToHaveAttributeAsync("data-following", "true");
        var title = "西岭片区积水点排查 " + Guid.NewGuid().ToString("N")[..6];
        var listed = (await page.Locator("[data-testid=notification]").AllTextContentsAsync()).Select(t => t.Trim()).ToHashSet();

        await NotifyAsync(title);

        // Without a reload: the bell counts the new one, and the list shows it, unread, first.
        await AssertBellFollowsAsync(page, mine: 1, title);
        var card = page.Locator("[data-testid=notification]", new() { HasText = title });
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-read", "false");
        Assert.Equal(1, await UnreadAsync(about: title));
        // Newest first: above every notification the page listed before this one (others may arrive above it meanwhile).
        var order = await page.Locator("[data-testid=notification]").AllTextContentsAsync();
        var mineAt = order.ToList().FindIndex(t => t.Contains(title, StringComparison.Ordinal));
        Assert.True(mineAt >= 0 && order.Skip(mineAt + 1).All(t => listed.Contains(t.Trim())) && order.Take(mineAt).All(t => !listed.Contains(t.Trim())),
            $"this test's notification is not above those listed before it: {string.Join(" | ", order)}");
        await UiServer.ScreenshotAsync(page, "notification-centre");

        await card.Locator("[data-testid=mark-read]").ClickAsync();

        await Assertions.Expect(card).ToHaveAttributeAsync("data-read", "true");
        await AssertBellFollowsAsync(page, mine: 0, title);

        // Two more arrive on another page (the bell follows on every page); "mark all read" clears the count.
        await page.GotoAsync("/tasks");
        await Assertions.Expect(page.Locator("[data-testid=bell]")).ToHaveAttributeAsync("data-following", "true");
        await NotifyAsync(title + " 二");
        await NotifyAsync(title + " 三");

        // each new one shows as a toast on whatever page is open, until closed (or 8 seconds pass, so it is checked at
        // once). The test waits for the toast of the last one: a toast closed before the last one's event arrives is
        // followed by a new one (CI saw it).
        var toast = page.Locator("[data-testid=toast]");
        await Assertions.Expect(toast).ToContainTextAsync("新通知：");
        await Assertions.Expect(toast).ToContainTextAsync(title + " 三");
        await UiServer.ScreenshotAsync(page, "notification-toast");
        await toast.Locator("button.toast-close").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=toast]", new() { HasText = title })).ToHaveCountAsync(0);
        await AssertBellFollowsAsync(page, mine: 2, title);
        await page.Locator("[data-testid=bell]").ClickAsync();
        await page.WaitForURLAsync("**/notifications");
        // The page is first served pre-rendered; a click lands only once its circuit follows (CI clicked too early once).
        await Assertions.Expect(page.Locator("[data-testid=live-state]")).ToHaveAttributeAsync("data-following", "true");
        await page.Locator("[data-testid=read-all]").ClickAsync();
        // This test's three are read. Other UI tests may tell this unit something meanwhile (tasks published to unit
        // 13 on the real-server pass), so the bell is held to what is unread now, not to zero.
        await Assertions.Expect(page.Locator("[data-testid=notification][data-read=false]", new() { HasText = title })).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await AssertBellFollowsAsync(page, mine: 0, title);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_centre_switches_to_english_like_the_rest_of_the_ui()
    {
        var page = await ui.PhoneAsync(Person);
        await page.GotoAsync("/notifications");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("通知");
        await page.Locator("header a.lang").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Notifications");
        await Assertions.Expect(page.Locator("[data-testid=bell]")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("^Notifications, \\d+ unread$"));
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// This test's unread notifications are <paramref name="mine"/>, and the bell shows what is unread for the person now,
    /// without a reload. Other UI tests publish tasks to unit 13 on the real-server pass, so the person's total can move
    /// while this test runs (CI saw the bell one higher than this test's own count): the bell is held to the database's
    /// count, read again until the two agree, never to a figure taken earlier.
    /// </summary>
    private async Task AssertBellFollowsAsync(IPage page, int mine, string title)
    {
        Assert.Equal(mine, await UnreadAsync(about: title));
        // The label carries the exact count (the badge caps at 99+).
        var bell = page.Locator("[data-testid=bell]");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        string shown;
        int unread;
        do
        {
            unread = await UnreadAsync();
            shown = System.Text.RegularExpressions.Regex.Match(await bell.GetAttributeAsync("aria-label") ?? "", "\\d+").Value;
            if (shown == unread.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"the bell shows {shown}, but {unread} notifications are unread for {Person} ({mine} of them this test's)");
    }

    private async Task<Guid> PersonIdAsync(AllianceDbContext db) => (await db.Set<AllianceUser>().SingleAsync(u => u.UserName == Person)).Id;

    private async Task<int> UnreadAsync(string? about = null)
    {
        await using var scope = ui.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var me = await PersonIdAsync(db);
        return await db.Set<Notification>().CountAsync(n => n.UserId == me && n.ReadUtc == null
            && (about == null || n.TitleZh.Contains(about) || n.BodyZh.Contains(about)));
    }

    /// <summary>An urgent notice to the person, written as a bus event's consumer writes it (the outbox carries it to the live feed).</summary>
    private async Task NotifyAsync(string item)
    {
        await using var scope = ui.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var request = new NotificationRequest(NotificationTopics.UrgentItem, null, [DemoRegion.Unit(13).Value], null,
            new Dictionary<string, string?> { ["alliance"] = "西岭街道党建联盟", ["item"] = item })
        {
            OnlyUser = await PersonIdAsync(db),
        };
        var written = await scope.ServiceProvider.GetRequiredService<NotificationWriter>().WriteAsync("ui-test", Guid.NewGuid(), request, CancellationToken.None);
        Assert.Equal(1, written);
    }
}
