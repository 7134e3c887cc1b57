using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// 组织通知渠道 and 通知规则 on a 360×740 phone, through the operations <c>/api/notifications/channels</c> and
/// <c>/api/notifications/rules</c> run: a unit's party secretary sets its group robots and sees them masked (a malformed
/// address is refused beside the field and nothing is stored); a community secretary changes a rule of her alliance and
/// sees it in words; a unit contact is refused another's robots (403) and gets the not-found page (404) for what is out
/// of her scope, and reads her alliance's rules without a way to change them.
/// </summary>
[Collection(SharedUi.Name)]
public sealed class Configuring_channels_and_rules(UiServer ui)
{
    private const string Key = "693a91f6-7aoc-4bc4-97a0-0ec2sifa5aaa";
    private const string Secret = "SEC19dd84be8c7f3cf71761974f1ed3ef77c1451906ae8ba18acf56103ee";

    private Task<NotificationsApi.ChannelsView> SaveChannelsAsync(Guid organisation, NotificationsApi.ChannelsBody body) =>
        ui.AsAsync(DemoUsers.DistrictAdmin, (services, scope) => OrganisationChannelOperations.SaveAsync(scope, services.GetRequiredService<AllianceDbContext>(),
            services.GetRequiredService<ChannelSecrets>(), services.GetRequiredService<TimeProvider>(), organisation, body, CancellationToken.None));

    private Task<NotificationsApi.ChannelsView> ChannelsAsync(Guid organisation) =>
        ui.AsAsync(DemoUsers.DistrictAdmin, (services, scope) => OrganisationChannelOperations.GetAsync(
            scope, services.GetRequiredService<AllianceDbContext>(), services.GetRequiredService<ChannelSecrets>(), organisation, CancellationToken.None));

    [Fact]
    public async Task A_unit_secretary_sets_the_units_robots_and_sees_them_masked_and_a_malformed_address_is_refused_beside_the_field()
    {
        var unit = DemoRegion.Unit(1).Value;
        await SaveChannelsAsync(unit, new("", "", ""));
        var page = await ui.PhoneAsync(DemoUsers.UnitSecretary);
        try
        {
            await page.GotoAsync("/notifications/settings");
            await page.ClickAsync("[data-testid=channels-link]");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("组织通知渠道");
            await Assertions.Expect(page.Locator("[data-testid=current-wecom]")).ToHaveTextAsync("未设置");

            await page.FillAsync("#weComWebhook", "qyapi.weixin.qq.com/cgi-bin/webhook/send");
            await page.ClickAsync("[data-testid=save-channels]");
            await Assertions.Expect(page.Locator(".field-error[data-field=weComWebhook]")).ToContainTextAsync("企业微信群机器人地址格式不正确");
            Assert.Null((await ChannelsAsync(unit)).WeComWebhook);
            await MeetingsKit.AssertFitsAsync(page);
            await UiServer.ScreenshotAsync(page, "organisation-channels-error");

            await page.FillAsync("#weComWebhook", $"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={Key}");
            await page.FillAsync("#dingTalkWebhook", "https://oapi.dingtalk.com/robot/send?access_token=98975521a1b23c02cdd1a9a08c69511ddf5fa9d2ae387813d1c5348fb");
            await page.FillAsync("#dingTalkSecret", Secret);
            await page.ClickAsync("[data-testid=save-channels]");
            await Assertions.Expect(page.Locator("[data-testid=channels-saved]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-testid=current-wecom]")).ToHaveTextAsync("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a…5aaa");
            await Assertions.Expect(page.Locator("[data-testid=current-secret]")).ToHaveTextAsync("SEC1…03ee");
            var html = await page.ContentAsync();
            Assert.DoesNotContain(Key, html, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, html, StringComparison.Ordinal);
            Assert.Equal("SEC1…03ee", (await ChannelsAsync(unit)).DingTalkSecret);
            await MeetingsKit.AssertFitsAsync(page);
            await UiServer.ScreenshotAsync(page, "organisation-channels-saved");

            await page.CheckAsync("[data-testid=clear-dingtalk]");
            await page.ClickAsync("[data-testid=save-channels]");
            await Assertions.Expect(page.Locator("[data-testid=current-dingtalk]")).ToHaveTextAsync("未设置");
            await Assertions.Expect(page.Locator("[data-testid=current-wecom]")).ToContainTextAsync("key=693a…5aaa");
            var after = await ChannelsAsync(unit);
            Assert.Equal((null, null), (after.DingTalkWebhook, after.DingTalkSecret));
        }
        finally
        {
            await SaveChannelsAsync(unit, new("", "", ""));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_community_secretary_switches_a_rule_off_narrows_who_is_told_and_sees_it_in_words()
    {
        var alliance = DemoRegion.CommunityAlliance(1).Value;
        var page = await ui.PhoneAsync(DemoUsers.CommunitySecretary);
        try
        {
            await page.GotoAsync("/notifications/settings");
            await page.ClickAsync("[data-testid=rules-link]");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("通知规则");
            await page.GotoAsync($"/notifications/rules/{alliance}");
            var card = page.Locator("[data-testid=rule][data-topic='booking.declined']");
            await Assertions.Expect(card).ToContainTextAsync("预约未通过");
            await Assertions.Expect(card.Locator("[data-testid=rule-state]")).ToHaveTextAsync("开启");
            await Assertions.Expect(card.Locator("[data-testid=rule-who]")).ToHaveTextAsync("预约单位的全部人员");

            await card.Locator("[data-testid=edit-rule]").ClickAsync();
            card = page.Locator("[data-testid=rule][data-topic='booking.declined']");
            await page.UncheckAsync("[data-testid=rule-enabled]");
            await page.CheckAsync("[data-testid=role-UnitContact]");
            await page.CheckAsync("[data-testid=role-CommunitySecretary]");
            await MeetingsKit.AssertFitsAsync(page);
            await UiServer.ScreenshotAsync(page, "notification-rule-form");
            await page.ClickAsync("[data-testid=save-rule]");

            await Assertions.Expect(page.Locator("[data-testid=rule-saved]")).ToContainTextAsync("预约未通过");
            await Assertions.Expect(card.Locator("[data-testid=rule-state]")).ToHaveTextAsync("关闭");
            await Assertions.Expect(card.Locator("[data-testid=rule-who]")).ToHaveTextAsync("社区书记、共建单位联络员");
            await Assertions.Expect(card).ToContainTextAsync("本联盟已调整");
            var saved = (await ui.AsAsync(DemoUsers.CommunitySecretary, (services, scope) => NotificationRuleOperations.ListAsync(
                scope, services.GetRequiredService<AllianceDbContext>(), alliance, CancellationToken.None))).Single(r => r.Topic == NotificationTopics.BookingDeclined);
            Assert.False(saved.Enabled);
            Assert.Equal([Server.Features.People.AllianceRole.CommunitySecretary, Server.Features.People.AllianceRole.UnitContact], saved.Roles);
            await MeetingsKit.AssertFitsAsync(page);
            await UiServer.ScreenshotAsync(page, "notification-rules-saved");
        }
        finally
        {
            await ui.AsAsync(DemoUsers.CommunitySecretary, (services, scope) => NotificationRuleOperations.SaveAsync(scope, services.GetRequiredService<AllianceDbContext>(),
                services.GetRequiredService<TimeProvider>(), alliance, NotificationTopics.BookingDeclined, new(true, []), CancellationToken.None));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_unit_contact_is_refused_her_units_robots_gets_the_not_found_page_out_of_scope_and_cannot_change_rules()
    {
        var page = await ui.PhoneAsync(DemoUsers.UnitContact);
        try
        {
            await Assertions.Expect(page.Locator("nav a[href='/notifications/channels']")).ToHaveCountAsync(0);
            var refused = await page.GotoAsync($"/notifications/channels/{DemoRegion.Unit(1).Value}");
            Assert.Equal(403, refused!.Status);
            await Assertions.Expect(page.Locator("[data-testid=channels-refused]")).ToContainTextAsync("无权管理");
            await Assertions.Expect(page.Locator("[data-testid=channels-form]")).ToHaveCountAsync(0);
            await UiServer.ScreenshotAsync(page, "organisation-channels-refused");

            var otherStreet = await page.GotoAsync($"/notifications/channels/{DemoRegion.Unit(13).Value}");
            Assert.Equal(404, otherStreet!.Status);
            await Assertions.Expect(page.Locator("[data-testid=not-found]")).ToBeVisibleAsync();
            var otherRules = await page.GotoAsync($"/notifications/rules/{DemoRegion.CommunityAlliance(4).Value}");
            Assert.Equal(404, otherRules!.Status);
            await Assertions.Expect(page.Locator("[data-testid=not-found]")).ToBeVisibleAsync();

            await page.GotoAsync($"/notifications/rules/{DemoRegion.CommunityAlliance(1).Value}?topic=item.urgent");
            await Assertions.Expect(page.Locator("[data-testid=rules-read-only]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-testid=rule]")).ToHaveCountAsync(NotificationTopics.All.Count);
            await Assertions.Expect(page.Locator("[data-testid=edit-rule]")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("[data-testid=rule-form]")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
