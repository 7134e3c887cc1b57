using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>Each user in their own browser context, on a 360×740 phone.</summary>
[Collection(SharedUi.Name)]
public sealed class Journeys(UiServer ui)
{
    private static readonly string Alliance = DemoRegion.CommunityAllianceName(1);

    [Fact]
    public async Task A_deliberation_submitted_through_the_form_appears_live_on_the_chairs_board_and_in_the_unit_contacts_inbox()
    {
        var chair = await ui.PhoneAsync(DemoUsers.StreetChair);
        await chair.GotoAsync("/board");
        await WaitUntilLiveAsync(chair);
        var contact = await ui.PhoneAsync(DemoUsers.UnitContact);
        await WaitUntilLiveAsync(contact);
        var secretary = await ui.PhoneAsync(DemoUsers.CommunitySecretary);
        var title = "桂花路口袋公园改造方案征求意见 " + Guid.NewGuid().ToString("N")[..6];

        await SubmitDeliberationAsync(secretary, title);

        // The chair's board shows it without a reload.
        var card = chair.Locator("[data-testid=board-card]", new() { HasText = title });
        await Assertions.Expect(card).ToBeVisibleAsync();
        await UiServer.ScreenshotAsync(secretary, "secretary-item-detail");

        // The secretary accepts it at intake and keeps it in the alliance; both from her live inbox.
        await secretary.GotoAsync("/tasks");
        await WaitUntilLiveAsync(secretary);
        await ActOnTaskAsync(secretary, title, "accept");
        await ActOnTaskAsync(secretary, title, "stay");

        // The unit contact's inbox shows the opinion task without a reload; the contact claims and completes it.
        var task = contact.Locator("[data-testid=task]", new() { HasText = title });
        await Assertions.Expect(task).ToBeVisibleAsync();
        await UiServer.ScreenshotAsync(contact, "unit-contact-inbox");
        await ActOnTaskAsync(contact, title, "agree");
        await Assertions.Expect(contact.Locator("[data-testid=task]", new() { HasText = title })).ToHaveCountAsync(0);

        // The chair saw each step: the card now stands in the deliberating column.
        await Assertions.Expect(chair.Locator("[data-stage=Deliberating] [data-testid=board-card]", new() { HasText = title })).ToBeVisibleAsync();
        await UiServer.ScreenshotAsync(chair, "chair-board");
        foreach (var page in new[] { chair, contact, secretary })
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Bad_input_in_the_submit_form_shows_chinese_errors_beside_each_field_and_stores_nothing()
    {
        var secretary = await ui.PhoneAsync(DemoUsers.CommunitySecretary);
        var before = await CountItemsAsync();
        await secretary.GotoAsync("/items/new");

        await secretary.CheckAsync("input[type=radio][value=Decision]");
        await secretary.FillAsync("#title", "");
        await secretary.ClickAsync("form[data-testid=submit-form] button[type=submit]");

        await Assertions.Expect(secretary.Locator("#title-error")).ToContainTextAsync("标题");
        await Assertions.Expect(secretary.Locator("#category-error")).ToContainTextAsync("类别");
        await Assertions.Expect(secretary.Locator("#description-error")).ToContainTextAsync("内容");
        await Assertions.Expect(secretary.Locator("#desiredDate-error")).ToContainTextAsync("期望完成日期");
        await Assertions.Expect(secretary.Locator("#title")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(before, await CountItemsAsync());
        await UiServer.ScreenshotAsync(secretary, "submit-form-errors");
        await secretary.Context.CloseAsync();
    }

    [Fact]
    public async Task Sending_the_same_form_twice_creates_one_item()
    {
        var secretary = await ui.PhoneAsync(DemoUsers.CommunitySecretary);
        var title = "重复提交只生成一项 " + Guid.NewGuid().ToString("N")[..6];
        await FillDeliberationAsync(secretary, title);

        // Past the page's own guard (it disables a sent form): the filled form, with its one idempotency key and
        // antiforgery token, posted twice at once from the same browser (same cookies).
        var body = await secretary.EvaluateAsync<string>(
            "() => new URLSearchParams(new FormData(document.querySelector('form[data-testid=submit-form]'))).toString()");
        var options = new APIRequestContextOptions
        {
            DataString = body,
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded" },
            MaxRedirects = 0,
        };
        var responses = await Task.WhenAll(
            secretary.Context.APIRequest.PostAsync("/items/new", options), secretary.Context.APIRequest.PostAsync("/items/new", options));

        Assert.All(responses, r => Assert.Equal(302, r.Status));
        Assert.Equal(responses[0].Headers["location"], responses[1].Headers["location"]);
        await secretary.GotoAsync("/items?scope=all&q=" + Uri.EscapeDataString(title));

        await Assertions.Expect(secretary.Locator("[data-testid=item-list] li")).ToHaveCountAsync(1);
        Assert.Equal(1, await CountItemsAsync(title));
        await secretary.Context.CloseAsync();
    }

    private static async Task SubmitDeliberationAsync(IPage page, string title)
    {
        await FillDeliberationAsync(page, title);
        await page.ClickAsync("form[data-testid=submit-form] button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=submitted]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=item-title]")).ToHaveTextAsync(title);
    }

    private static async Task FillDeliberationAsync(IPage page, string title)
    {
        await page.GotoAsync("/items/new");
        await page.CheckAsync("input[type=radio][value=Deliberation]");
        await page.SelectOptionAsync("#allianceId", new SelectOptionValue { Label = Alliance });
        await page.FillAsync("#title", title);
        await page.FillAsync("#category", "环境");
        await page.FillAsync("#description", "桂花路口袋公园设施老化，拟征求联盟成员单位意见后统一改造。");
    }

    private static async Task ActOnTaskAsync(IPage page, string title, string outcome)
    {
        var task = page.Locator("[data-testid=task]", new() { HasText = title }).Filter(new() { Has = page.Locator($"[data-testid=claim], [data-testid=outcome]:has(option[value={outcome}])") }).First;
        await Assertions.Expect(task).ToBeVisibleAsync();
        if (await task.Locator("[data-testid=claim]").CountAsync() > 0)
        {
            await task.Locator("[data-testid=claim]").ClickAsync();
        }

        var mine = page.Locator("[data-testid=task]", new() { HasText = title }).Filter(new() { Has = page.Locator($"[data-testid=outcome]:has(option[value={outcome}])") }).First;
        await mine.Locator("[data-testid=outcome]").SelectOptionAsync(outcome);
        await mine.Locator("[data-testid=complete]").ClickAsync();
        await Assertions.Expect(page.Locator("[role=status].notice")).ToBeVisibleAsync();
    }

    private static Task WaitUntilLiveAsync(IPage page) =>
        Assertions.Expect(page.Locator("[data-testid=live-state]")).ToHaveAttributeAsync("data-following", "true");

    private async Task<int> CountItemsAsync(string? title = null)
    {
        await using var scope = ui.Services.CreateAsyncScope();
        var items = scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Set<Item>();
        return title is null ? await items.CountAsync() : await items.CountAsync(i => i.Title == title);
    }
}
