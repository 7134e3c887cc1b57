using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Ui.Pages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// 待办 with more open tasks than a page holds, on a phone: the earliest 50 cards, the whole count on the badge, 显示更多
/// for the next 50, and a task that arrives while the page is open shows live wherever it sorts. 朱婷 (东湖实验小学, unit
/// 4) is the contact: no other browser test reads her inbox, so the 50-odd tasks made here do not page anyone else's.
/// </summary>
[Collection(SharedUi.Name)]
public sealed class Paging_the_inbox(UiServer ui)
{
    private const string Contact = "zhuting";

    private Task<SubmitResult> SubmitAsync(string title) =>
        ui.AsAsync(DemoUsers.CommunitySecretary, (services, scope) => services.GetRequiredService<ItemOperations>().SubmitAsync(scope, new ItemsApi.SubmitItemRequest(
            ItemKind.JointTask, title, "请东湖实验小学协助社区开展暑期托管志愿服务。", "教育", DemoRegion.CommunityAlliance(1), ItemScope.Alliance,
            DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)), DemoRegion.Unit(4)), null, CancellationToken.None));

    private static async Task<int> BadgeAsync(IPage page) => int.Parse(await page.Locator("[data-testid=task-count]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_long_inbox_shows_fifty_cards_then_fifty_more_and_a_task_arriving_meanwhile_shows_at_once()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < TaskInbox.PageSize + 2; i++)
        {
            await SubmitAsync($"暑期托管志愿服务 {run}-{i:00}");
        }

        var page = await ui.PhoneAsync(Contact);
        await page.GotoAsync("/tasks");
        await MeetingsKit.WaitUntilLiveAsync(page);
        var cards = page.Locator("[data-testid=task]");
        await Assertions.Expect(cards).ToHaveCountAsync(TaskInbox.PageSize);
        var total = await BadgeAsync(page);
        Assert.True(total >= TaskInbox.PageSize + 2, $"the badge says {total}");
        await Assertions.Expect(page.Locator("[data-testid=tasks-shown]")).ToHaveTextAsync($"已显示 {TaskInbox.PageSize} 项，共 {total} 项");
        await MeetingsKit.AssertFitsAsync(page);

        // a task that sorts last (the newest) arrives: it shows without reload, beside the first 50
        var late = $"暑期托管志愿服务 {run}-新";
        await SubmitAsync(late);
        await Assertions.Expect(page.Locator("[data-testid=task-count]")).ToHaveTextAsync((total + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 20_000 });
        await Assertions.Expect(cards.Filter(new() { HasText = late })).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(cards).ToHaveCountAsync(TaskInbox.PageSize + 1);
        await page.Locator("[data-testid=tasks-more]").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(UiServer.ScreenshotFolder, "unit-contact-inbox-more.png") }); // the phone's screen, at the end of the list

        await page.ClickAsync("[data-testid=tasks-more]");
        await Assertions.Expect(cards).ToHaveCountAsync(Math.Min(total + 1, (2 * TaskInbox.PageSize) + 1));
        await Assertions.Expect(cards.Filter(new() { HasText = $"{run}-{TaskInbox.PageSize + 1:00}" })).ToHaveCountAsync(1);
        if (total + 1 <= 2 * TaskInbox.PageSize)
        {
            await Assertions.Expect(page.Locator("[data-testid=tasks-more]")).ToHaveCountAsync(0);
        }

        await page.Context.CloseAsync();
    }
}
