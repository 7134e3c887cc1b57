using Alliance.Server.Features.Bulletins;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>逐月通报 on a phone: the street's chair writes a month's draft, reviews it and publishes it; a member unit is told and reads it.</summary>
[Collection(SharedUi.Name)]
public sealed class Publishing_a_bulletin(UiServer ui)
{
    [Fact]
    public async Task The_street_chair_writes_reviews_and_publishes_a_bulletin_and_a_member_unit_is_told_and_reads_it()
    {
        var page = await ui.PhoneAsync(DemoUsers.StreetChair);
        await page.GotoAsync("/reports");
        await page.ClickAsync("[data-testid=bulletins-link]");
        var form = page.Locator("[data-testid=generate-form]");
        await Interactivity.UntilEnabledAsync(page, "[data-testid=generate]");

        // a month that has not ended: refused beside the field, nothing written
        await page.FillAsync("[data-testid=generate-month]", DateTime.UtcNow.AddHours(8).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("[data-testid=generate]");
        await Assertions.Expect(form.Locator(".field-error[data-field=month]")).ToContainTextAsync("只能为已结束的月份生成通报", new() { Timeout = 20_000 });

        await page.FillAsync("[data-testid=generate-month]", "2025-06");
        await page.ClickAsync("[data-testid=generate]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("东湖街道大党工委2025年6月工作通报", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid=bulletin-state]")).ToHaveAttributeAsync("data-status", "draft", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid=ranking-communities] > li")).ToHaveCountAsync(3, new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid=ranking-units] > li").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid=review]")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 20_000 });
        await UiServer.ScreenshotAsync(page, "street-chair-bulletin-draft");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=download-docx]"));
        Assert.Equal("东湖街道大党工委2025年6月工作通报.docx", download.SuggestedFilename);

        await page.FillAsync("[data-testid=review-note-input]", "请各单位对照排名查找不足。");
        await page.ClickAsync("[data-testid=publish]");
        await Assertions.Expect(page.Locator("[data-testid=bulletin-message]")).ToContainTextAsync("通报已发布", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid=bulletin-state]")).ToHaveAttributeAsync("data-status", "published", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid=review-note]")).ToContainTextAsync("请各单位对照排名查找不足。", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid=review]")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        var id = Guid.Parse(page.Url.Split('/')[^1]);

        // the same month again: refused in words
        await page.GotoAsync("/reports/bulletins");
        await Interactivity.UntilEnabledAsync(page, "[data-testid=generate]");
        await page.FillAsync("[data-testid=generate-month]", "2025-06");
        await page.ClickAsync("[data-testid=generate]");
        await Assertions.Expect(page.Locator("[data-testid=bulletin-message]")).ToContainTextAsync("2025-06 的通报已经生成", new() { Timeout = 20_000 });
        await page.Context.CloseAsync();

        // 林晓东 (unit 1, a member of the street's alliance) is told, and reads it without the review
        await ui.AsAsync(DemoUsers.UnitContact, async (services, _) =>
        {
            var db = services.GetRequiredService<AllianceDbContext>();
            for (var i = 0; i < 100 && !await db.Set<Notification>().AnyAsync(n => n.UserId == DemoRegion.Person(DemoUsers.UnitContact) && n.SubjectId == id && n.Topic == NotificationTopics.BulletinPublished); i++)
            {
                await Task.Delay(100);
            }

            return 0;
        });
        var unit = await ui.PhoneAsync(DemoUsers.UnitContact);
        await unit.GotoAsync("/notifications");
        await Assertions.Expect(unit.Locator("[data-testid=notification]", new() { HasText = "通报已发布：东湖街道大党工委2025年6月工作通报" })).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await unit.GotoAsync($"/reports/bulletins/{id}");
        await Assertions.Expect(unit.Locator("[data-testid=bulletin-state]")).ToHaveAttributeAsync("data-status", "published", new() { Timeout = 20_000 });
        await Assertions.Expect(unit.Locator("[data-testid=review]")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await UiServer.ScreenshotAsync(unit, "unit-contact-bulletin");

        // another street's unit: the not-found page, as the API's 404
        var other = await ui.PhoneAsync(DemoUsers.OtherUnitContact);
        await other.GotoAsync($"/reports/bulletins/{id}");
        await Assertions.Expect(other.Locator("[data-testid=not-found]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await unit.Context.CloseAsync();
        await other.Context.CloseAsync();
    }
}
