using Alliance.Server.Features.Demo;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// 需求清单 in the browser on a 360×740 phone: a community secretary raises a need (bad input is refused beside each
/// field and nothing is stored), sees the shared resources suggested for it with their scores and reasons, picks one and
/// starts a project, which opens its joint task's item; a unit contact reads the need but cannot start a project.
/// </summary>
[Collection(SharedUi.Name)]
public sealed class Raising_and_matching_a_need(UiServer ui)
{
    [Fact]
    public async Task A_secretary_raises_a_need_starts_a_project_from_a_suggested_resource_and_a_unit_reads_it()
    {
        var title = "社区老年人健康讲座 " + Guid.NewGuid().ToString("N")[..6];
        var secretary = await ui.PhoneAsync(DemoUsers.CommunitySecretary);
        await secretary.ClickAsync("nav a[href='/needs']");
        await Assertions.Expect(secretary.Locator("h1")).ToHaveTextAsync("需求清单");
        var before = await secretary.Locator("[data-testid=need]").CountAsync();

        await secretary.ClickAsync("[data-testid=raise] summary");
        await secretary.ClickAsync("form[data-testid=raise-form] button[type=submit]");
        await Assertions.Expect(secretary.Locator(".field-error[data-field=title]")).ToContainTextAsync("需求名称");
        await Assertions.Expect(secretary.Locator(".field-error[data-field=headCount]")).ToBeVisibleAsync();
        await Assertions.Expect(secretary.Locator(".field-error[data-field=wantedFrom]")).ToBeVisibleAsync();
        await Assertions.Expect(secretary.Locator("[data-testid=need]")).ToHaveCountAsync(before);
        await UiServer.ScreenshotAsync(secretary, "need-raise-errors");

        await secretary.FillAsync("#title", title);
        await secretary.SelectOptionAsync("#category", "养老");
        await secretary.FillAsync("#description", "社区约三十位老年居民希望听一次慢病防治讲座。");
        await secretary.FillAsync("#headCount", "30");
        await secretary.FillAsync("#wantedFrom", MeetingsKit.LocalInput(24 * 5));
        await secretary.FillAsync("#wantedTo", MeetingsKit.LocalInput(24 * 12));
        await secretary.ClickAsync("form[data-testid=raise-form] button[type=submit]");

        await Assertions.Expect(secretary.Locator("[data-testid=need-title]")).ToHaveTextAsync(title);
        await Assertions.Expect(secretary.Locator("[data-testid=need-status]")).ToHaveTextAsync("待对接");
        await MeetingsKit.WaitUntilInteractiveAsync(secretary);
        var need = secretary.Url[(secretary.Url.LastIndexOf('/') + 1)..];
        var hospital = secretary.Locator($"[data-testid=match][data-resource='{DemoRegion.Resource(5).Value}']");
        await Assertions.Expect(hospital).ToContainTextAsync("江滨区人民医院社区义诊");
        await Assertions.Expect(hospital.Locator("[data-testid=score]")).ToContainTextAsync("分");
        await Assertions.Expect(hospital.Locator(".criteria")).ToContainTextAsync("养老");
        await MeetingsKit.AssertFitsAsync(secretary);
        await UiServer.ScreenshotAsync(secretary, "need-matches");

        // No resource chosen: refused beside the choice, nothing started.
        await Assertions.Expect(secretary.Locator("[data-testid=start]")).ToBeEnabledAsync();
        await secretary.ClickAsync("[data-testid=start]");
        await Assertions.Expect(secretary.Locator(".field-error[data-field=resourceIds]")).ToContainTextAsync("资源");

        await hospital.Locator("[data-testid=pick]").CheckAsync();
        await secretary.ClickAsync("[data-testid=start]");
        await ItemPageAsync(secretary);
        await Assertions.Expect(secretary.Locator("h1")).ToHaveTextAsync(title);

        await secretary.GotoAsync($"/needs/{need}");
        await Assertions.Expect(secretary.Locator("[data-testid=need-status]")).ToHaveTextAsync("对接中");
        await Assertions.Expect(secretary.Locator("[data-testid=project]")).ToContainTextAsync("江滨区人民医院");

        var unit = await ui.PhoneAsync(DemoUsers.UnitContact);
        await unit.GotoAsync("/needs");
        await Assertions.Expect(unit.Locator($"[data-testid=need][data-need='{need}']")).ToContainTextAsync("对接中");
        await unit.GotoAsync($"/needs/{need}");
        await Assertions.Expect(unit.Locator("[data-testid=need-title]")).ToHaveTextAsync(title);
        await Assertions.Expect(unit.Locator("[data-testid=match]").First).ToBeVisibleAsync();
        await Assertions.Expect(unit.Locator("[data-testid=start-project]")).ToHaveCountAsync(0);
        await secretary.Context.CloseAsync();
        await unit.Context.CloseAsync();
    }

    /// <summary>
    /// Starting the project commits a joint-task item through the workflow runtime, then opens its page. In the CI run of
    /// 7 December 2026 (server and UI tests side by side) the page had not opened after 20 s, and the cause is not known.
    /// So the wait is a minute, and a page that does not open fails with what the need page says (a refusal or a field error).
    /// </summary>
    private static async Task ItemPageAsync(IPage page)
    {
        try
        {
            await page.WaitForURLAsync("**/items/*", new() { Timeout = 60_000 });
        }
        catch (PlaywrightException e)
        {
            var said = await page.Locator("[data-testid=start-error], .field-error, #blazor-error-ui, #components-reconnect-modal").AllInnerTextsAsync();
            throw new InvalidOperationException($"The item page did not open within 60 s of 立项 at {page.Url}; the page says: [{string.Join(" | ", said)}]", e);
        }
    }
}
