using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// The item page on a 360×740 phone: what the person can do on the item now (their open tasks of it, the same cards as
/// 待办), here the secretary's verification and satisfaction rating at the end of a joint task; and the page follows
/// the item live for everyone who has it open.
/// </summary>
[Collection(SharedUi.Name)]
public sealed class Verifying_on_the_item_page(UiServer ui)
{
    [Fact]
    public async Task The_secretary_verifies_and_rates_a_finished_joint_task_on_its_page_and_the_units_open_page_shows_it_closed()
    {
        var title = "东湖税务所为老年居民讲解个税申报 " + Guid.NewGuid().ToString("N")[..6];
        var item = await ui.JointTaskOfUnitOneAsync(title, "请成员单位为社区老年居民讲解个人所得税申报。",
            ("claim", "accept", null), ("work", "done", new JsonObject { ["report"] = "已在社区活动室讲解两场" }));
        var contact = await ui.PhoneAsync(DemoUsers.UnitContact);
        await contact.GotoAsync($"/items/{item.Value}");
        await Assertions.Expect(contact.Locator("[data-testid=live-state]")).ToHaveAttributeAsync("data-following", "true");
        await Assertions.Expect(contact.Locator("[data-testid=item-status]")).ToHaveTextAsync("待验收");
        await Assertions.Expect(contact.Locator("[data-testid=my-steps]")).ToHaveCountAsync(0); // nothing for the unit to do now

        var secretary = await ui.PhoneAsync(DemoUsers.CommunitySecretary);
        await secretary.GotoAsync($"/items/{item.Value}");
        await Assertions.Expect(secretary.Locator("[data-testid=live-state]")).ToHaveAttributeAsync("data-following", "true");
        var verify = secretary.Locator("[data-testid=my-steps] [data-testid=task]");
        await Assertions.Expect(verify).ToHaveCountAsync(1);

        // The route: the step she is asked to do now is marked, the steps before it are passed, each with its ways out.
        var current = secretary.Locator("[data-testid=route-step][data-state=current]");
        await Assertions.Expect(current).ToContainTextAsync("验收并评价满意度");
        await Assertions.Expect(current).ToHaveAttributeAsync("aria-current", "step");
        await Assertions.Expect(secretary.Locator("[data-testid=route-step]").First).ToHaveAttributeAsync("data-state", "visited");
        await Assertions.Expect(current.Locator(".route-exits")).ToContainTextAsync("满意");
        await verify.Locator("[data-testid=claim]").ClickAsync();
        await Assertions.Expect(verify.Locator("[data-testid=outcome] option")).ToHaveTextAsync(["满意", "基本满意", "不满意"]);

        // 不满意 needs a reason: refused in words, nothing changes
        await verify.Locator("[data-testid=outcome]").SelectOptionAsync("unsatisfied");
        await verify.Locator("[data-testid=complete]").ClickAsync();
        await Assertions.Expect(secretary.Locator("[data-testid=task-error]")).ToContainTextAsync("意见");
        await Assertions.Expect(secretary.Locator("[data-testid=item-status]")).ToHaveTextAsync("待验收");

        await verify.Locator("[data-testid=outcome]").SelectOptionAsync("satisfied");
        await verify.Locator("[data-testid=field-opinion]").FillAsync("讲解细致，居民反映很好");
        await UiServer.ScreenshotAsync(secretary, "item-verify");
        await verify.Locator("[data-testid=complete]").ClickAsync();

        await Assertions.Expect(secretary.Locator("[role=status].notice")).ToContainTextAsync("已办结");
        await Assertions.Expect(secretary.Locator("[data-testid=item-status]")).ToHaveTextAsync("已办结");
        await Assertions.Expect(secretary.Locator("[data-testid=my-steps]")).ToHaveCountAsync(0);
        // the timeline says what each step was and how it ended
        var timeline = secretary.Locator("[data-testid=timeline]");
        await Assertions.Expect(timeline).ToContainTextAsync("状态变为：待验收");
        await Assertions.Expect(timeline).ToContainTextAsync("办结任务：验收并评价满意度 · 满意");
        await UiServer.ScreenshotAsync(secretary, "item-closed");
        await Assertions.Expect(secretary.Locator("[data-testid=route-step][data-state=current]")).ToHaveCountAsync(0);
        await secretary.Locator("[data-testid=route]").ScrollIntoViewIfNeededAsync();
        await UiServer.ScreenshotAsync(secretary, "item-route");
        // the unit's page, open all along, shows it without a reload
        await Assertions.Expect(contact.Locator("[data-testid=item-status]")).ToHaveTextAsync("已办结");
        await contact.Context.CloseAsync();
        await secretary.Context.CloseAsync();
    }
}
