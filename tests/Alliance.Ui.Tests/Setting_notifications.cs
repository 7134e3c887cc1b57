using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// 通知设置 and 投递失败 on a 360×740 phone: a unit contact sets her own mobile, quiet hours and digest (a bad mobile is
/// refused beside the field and nothing is saved), through the code PUT /api/notifications/settings runs; the district
/// administrator sees a delivery that kept failing, with its reason, and replays it; a unit contact is refused the list.
/// </summary>
[Collection(SharedUi.Name)]
public sealed class Setting_notifications(UiServer ui)
{
    private static Task<NotificationsApi.SettingsView> SettingsAsync(UiServer ui, string user) =>
        ui.AsAsync(user, (services, scope) => PersonSettingsOperations.GetAsync(
            scope, services.GetRequiredService<AllianceDbContext>(), services.GetRequiredService<NotificationOptions>(), CancellationToken.None));

    [Fact]
    public async Task A_unit_contact_sets_her_mobile_quiet_hours_and_digest_and_a_bad_mobile_is_refused_beside_the_field()
    {
        const string user = DemoUsers.HospitalContact;
        var before = await SettingsAsync(ui, user);
        var page = await ui.PhoneAsync(user);
        try
        {
            await page.GotoAsync("/notifications");
            await page.ClickAsync("[data-testid=settings-link]");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("通知设置");

            await page.FillAsync("#mobile", "12345");
            await page.ClickAsync("[data-testid=save-settings]");
            await Assertions.Expect(page.Locator(".field-error[data-field=mobile]")).ToContainTextAsync("11 位");
            Assert.Equal(before.Mobile, (await SettingsAsync(ui, user)).Mobile);
            await UiServer.ScreenshotAsync(page, "notification-settings-error");

            await page.FillAsync("#mobile", "13800138000");
            await page.FillAsync("#quietStart", "23:00");
            await page.FillAsync("#quietEnd", "06:30");
            await page.CheckAsync("[data-testid=digest]");
            await page.ClickAsync("[data-testid=save-settings]");
            await Assertions.Expect(page.Locator("[data-testid=settings-saved]")).ToBeVisibleAsync();
            await MeetingsKit.AssertFitsAsync(page);
            await UiServer.ScreenshotAsync(page, "notification-settings-saved");

            var after = await SettingsAsync(ui, user);
            Assert.Equal(("13800138000", "23:00", "06:30", true), (after.Mobile, after.QuietStart, after.QuietEnd, after.Digest));
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#mobile")).ToHaveValueAsync("13800138000");
            await Assertions.Expect(page.Locator("#quietStart")).ToHaveValueAsync("23:00");
        }
        finally
        {
            await ui.AsAsync(user, (services, scope) => PersonSettingsOperations.SaveAsync(scope, services.GetRequiredService<AllianceDbContext>(),
                services.GetRequiredService<NotificationOptions>(),
                new NotificationsApi.SettingsBody(before.Channels, before.Email ?? "", before.Mobile ?? "", before.QuietStart, before.QuietEnd, before.Digest, before.Language),
                CancellationToken.None));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_district_administrator_replays_a_delivery_that_kept_failing_and_a_unit_contact_is_refused_the_list()
    {
        var title = "投递失败 " + Guid.NewGuid().ToString("N")[..6];
        var delivery = await ui.AsAsync(DemoUsers.UnitContact, async (services, scope) =>
        {
            var db = services.GetRequiredService<AllianceDbContext>();
            var now = DateTime.UtcNow;
            var notification = new Notification
            {
                Id = Guid.CreateVersion7(), UserId = scope.UserId!.Value, Topic = NotificationTopics.UrgentItem, TitleZh = title, TitleEn = title,
                BodyZh = "桂花路燃气管道破裂", BodyEn = "A gas pipe burst", SourceEventId = Guid.NewGuid(), CreatedUtc = now, ReadUtc = now,
            };
            var failed = new NotificationDelivery
            {
                Id = Guid.CreateVersion7(), NotificationId = notification.Id, Channel = NotificationChannel.WeCom, State = DeliveryState.DeadLettered,
                Attempts = 5, AttemptLimit = 5, NextAttemptUtc = now, LastError = "HTTP 500 from the robot", CreatedUtc = now,
            };
            db.AddRange(notification, failed);
            await db.SaveChangesAsync();
            return failed.Id;
        });

        var admin = await ui.PhoneAsync(DemoUsers.DistrictAdmin);
        await admin.ClickAsync("nav a[href='/admin']");
        await admin.ClickAsync("main a[href='/admin/dead-letters']");
        var row = admin.Locator($"[data-testid=dead-letter][data-delivery='{delivery}']");
        await Assertions.Expect(row).ToContainTextAsync(title);
        await Assertions.Expect(row.Locator("[data-testid=dead-letter-reason]")).ToHaveTextAsync("HTTP 500 from the robot");
        await Assertions.Expect(row).ToContainTextAsync("企业微信群");
        await MeetingsKit.WaitUntilInteractiveAsync(admin);
        await MeetingsKit.AssertFitsAsync(admin);
        await UiServer.ScreenshotAsync(admin, "dead-letters");

        await row.Locator("[data-testid=replay]").ClickAsync();
        await Assertions.Expect(admin.Locator("[data-testid=dead-letter-message]")).ToContainTextAsync("已重新排队投递");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        var state = await ui.AsAsync(DemoUsers.DistrictAdmin, async (services, _) =>
            (await services.GetRequiredService<AllianceDbContext>().Set<NotificationDelivery>().FindAsync(delivery))!.State);
        Assert.NotEqual(DeliveryState.DeadLettered, state);
        await admin.Context.CloseAsync();

        var unit = await ui.PhoneAsync(DemoUsers.UnitContact);
        await Assertions.Expect(unit.Locator("nav a[href='/admin/dead-letters']")).ToHaveCountAsync(0);
        await unit.GotoAsync("/admin/dead-letters");
        await Assertions.Expect(unit.Locator("[data-testid=dead-letters-refused]")).ToBeVisibleAsync();
        await unit.Context.CloseAsync();
    }
}
