using Alliance.Server.Features.Demo;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>资源共享, the owner's side on a phone: 登记 a venue from 我们的资源, bad input, 修改, 撤下 with a reason; another unit is refused.</summary>
[Collection(SharedUi.Name)]
public sealed class Registering_a_resource(UiServer ui)
{
    [Fact]
    public async Task A_unit_contact_registers_a_venue_edits_it_and_withdraws_it_with_a_reason()
    {
        var name = $"税务所小会议室{Guid.NewGuid().ToString("N")[..6]}";
        var page = await ui.PhoneAsync(DemoUsers.UnitContact);
        await page.GotoAsync("/resources/ours");
        await page.ClickAsync("[data-testid=register-resource]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("登记共享资源");
        await Assertions.Expect(page.Locator("[data-testid=owner]")).ToContainTextAsync("东湖税务所");

        // bad input: every missing field says so beside it, in Chinese, and nothing is stored
        await page.FillAsync("#name", name);
        await page.ClickAsync("[data-testid=save-resource]");
        await Assertions.Expect(page.Locator("[data-testid=form-errors]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".field-error[data-field=kind]")).ToHaveTextAsync("请选择资源类型。");
        await Assertions.Expect(page.Locator(".field-error[data-field=description]")).ToContainTextAsync("请填写介绍");
        await Assertions.Expect(page.Locator(".field-error[data-field=categories]")).ToContainTextAsync("请至少选择一个服务类别");
        await Assertions.Expect(page.Locator(".field-error[data-field=capacity]")).ToContainTextAsync("请填写容量");
        await Assertions.Expect(page.Locator("#name")).ToHaveValueAsync(name);
        await UiServer.ScreenshotAsync(page, "resource-new-errors");
        await AssertFitsAsync(page);

        // a day ticked open without its times is the form's own error
        await page.SelectOptionAsync("#kind", "venue");
        await page.SelectOptionAsync("#venueType", "activityRoom");
        await page.FillAsync("#description", "可容纳30人，配投影仪，适合党员学习和小型议事。");
        await page.CheckAsync("input[name=category][value='文体']");
        await page.FillAsync("#capacity", "30");
        await page.CheckAsync("#exclusive");
        await page.CheckAsync("#open-saturday");
        await page.FillAsync("#from-saturday", "");
        await page.ClickAsync("[data-testid=save-resource]");
        await Assertions.Expect(page.Locator(".field-error[data-field='openingHours.saturday']")).ToContainTextAsync("请填写开始和结束时间");

        await page.GotoAsync("/resources/ours");
        await Assertions.Expect(page.Locator("[data-testid=owned]", new() { HasText = name })).ToHaveCountAsync(0);

        // registered: its page, then 我们的资源
        await page.ClickAsync("[data-testid=register-resource]");
        await page.FillAsync("#name", name);
        await page.SelectOptionAsync("#kind", "venue");
        await page.SelectOptionAsync("#venueType", "activityRoom");
        await page.FillAsync("#description", "可容纳30人，配投影仪，适合党员学习和小型议事。");
        await page.CheckAsync("input[name=category][value='文体']");
        await page.FillAsync("#capacity", "30");
        await page.CheckAsync("#exclusive");
        await page.CheckAsync("#open-saturday");
        await page.FillAsync("#from-saturday", "09:00");
        await page.FillAsync("#to-saturday", "12:00");
        await page.FillAsync("#contact", "林晓东 13800000000");
        await UiServer.ScreenshotAsync(page, "resource-new-filled");
        await page.ClickAsync("[data-testid=save-resource]");
        await Assertions.Expect(page.Locator("[data-testid=resource-name]")).ToHaveTextAsync(name);
        await Assertions.Expect(page.Locator("[data-testid=resource-facts]")).ToContainTextAsync("活动室");
        await Assertions.Expect(page.Locator("[data-testid=resource-facts]")).ToContainTextAsync("30（独占使用）");
        await Assertions.Expect(page.Locator("[data-testid=resource-facts]")).ToContainTextAsync("周六 09:00–12:00");
        await Assertions.Expect(page.Locator("[data-testid=approval]")).ToContainTextAsync("需提供方审批");
        var id = page.Url.Split('/')[^1];

        await page.GotoAsync("/resources/ours");
        var card = page.Locator("[data-testid=owned]", new() { HasText = name });
        await Assertions.Expect(card).ToHaveCountAsync(1);
        await UiServer.ScreenshotAsync(page, "our-resources-registered");
        await AssertFitsAsync(page);

        // edited: the form comes filled in
        await card.Locator("[data-testid=edit-resource]").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("修改共享资源");
        await Assertions.Expect(page.Locator("#name")).ToHaveValueAsync(name);
        await Assertions.Expect(page.Locator("input[name=category][value='文体']")).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#to-saturday")).ToHaveValueAsync("12:00");
        await UiServer.ScreenshotAsync(page, "resource-edit");
        await AssertFitsAsync(page);
        await page.FillAsync("#capacity", "40");
        await page.UncheckAsync("#requiresApproval");
        await page.ClickAsync("[data-testid=save-resource]");
        await Assertions.Expect(page.Locator("[data-testid=resource-facts]")).ToContainTextAsync("40（独占使用）");
        await Assertions.Expect(page.Locator("[data-testid=approval]")).ToContainTextAsync("预约即确认");

        // another unit of the same community sees the resource but may not edit it: 403 in words
        var hospital = await ui.PhoneAsync(DemoUsers.HospitalContact);
        var refused = await hospital.GotoAsync($"/resources/{id}/edit");
        Assert.Equal(403, refused!.Status);
        await Assertions.Expect(hospital.Locator("[data-testid=resource-refused]")).ToContainTextAsync("只有其所属单位或其上级管理员可以管理它");
        await Assertions.Expect(hospital.Locator("[data-testid=resource-form]")).ToHaveCountAsync(0);
        await hospital.Context.CloseAsync();

        // withdrawn: the reason is required, then a confirm step
        await page.GotoAsync("/resources/ours");
        await card.Locator("[data-testid=withdraw-resource]").ClickAsync();
        await page.ClickAsync("[data-testid=withdraw]");
        await Assertions.Expect(page.Locator(".field-error[data-field=reason]")).ToHaveTextAsync("请填写撤下原因。");
        await page.FillAsync("#reason", "会议室改作办公用房");
        await page.ClickAsync("[data-testid=withdraw]");
        await Assertions.Expect(page.Locator("[data-testid=withdraw-confirm]")).ToContainTextAsync("会议室改作办公用房");
        await UiServer.ScreenshotAsync(page, "resource-withdraw-confirm");
        await AssertFitsAsync(page);
        await page.ClickAsync("[data-testid=withdraw-confirm-form] button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=withdrawn]")).ToContainTextAsync(name);
        await Assertions.Expect(card).ToContainTextAsync("已撤下");
        await Assertions.Expect(card.Locator("[data-testid=edit-resource]")).ToHaveCountAsync(0);

        var gone = await page.GotoAsync($"/resources/{id}/edit");
        Assert.Equal(409, gone!.Status);
        await Assertions.Expect(page.Locator("[data-testid=resource-refused]")).ToHaveTextAsync("该资源已撤下，不能修改。");
        await page.Context.CloseAsync();
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{page.Url} scrolls sideways by {overflow}px at 360px");
    }
}
