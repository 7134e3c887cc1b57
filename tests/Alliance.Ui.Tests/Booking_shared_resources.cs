using System.Globalization;
using Alliance.Server.Features.Demo;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>资源共享 on a phone: the catalogue, a venue's two weeks and its request form, and 我的预约 with cancelling.</summary>
[Collection(SharedUi.Name)]
public sealed class Booking_shared_resources(UiServer ui)
{
    /// <summary>桂花社区党建共享之家: exclusive, the owner approves, Mon–Fri 09–21 on a 30-minute grain (docs/demo-region.md).</summary>
    private const string Venue = "桂花社区党建共享之家";

    [Fact]
    public async Task A_unit_contact_books_a_free_slot_of_a_venue_is_refused_the_same_slot_again_and_cancels_it()
    {
        var day = FreeWeekday();
        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var page = await ui.PhoneAsync(DemoUsers.UnitContact);

        await page.ClickAsync("nav a[href='/resources']");
        var list = page.Locator("[data-testid=resource-list]");
        await Assertions.Expect(list).ToContainTextAsync(Venue);
        await Assertions.Expect(list).ToContainTextAsync("江滨区人民医院社区义诊");
        await page.SelectOptionAsync("select[name=kind]", "Venue");
        await page.SelectOptionAsync("select[name=category]", "养老");
        await page.ClickAsync("form[data-testid=resource-filters] button[type=submit]");
        await Assertions.Expect(list).ToContainTextAsync(Venue);
        await Assertions.Expect(list).Not.ToContainTextAsync("江滨区人民医院社区义诊");
        await Assertions.Expect(list).Not.ToContainTextAsync("东湖税务所党员活动室");
        await UiServer.ScreenshotAsync(page, "unit-contact-resources");
        await AssertFitsAsync(page);

        await page.ClickAsync($"a.title:has-text('{Venue}')");
        await Assertions.Expect(page.Locator("[data-testid=resource-name]")).ToHaveTextAsync(Venue);
        await Assertions.Expect(page.Locator("[data-testid=approval]")).ToContainTextAsync("需提供方审批");
        await Assertions.Expect(page.Locator("[data-testid=calendar] li")).ToHaveCountAsync(14);

        await page.ClickAsync("form[data-testid=booking-form] button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=form-errors]")).ToBeVisibleAsync();
        foreach (var field in new[] { "start", "end", "headCount", "purpose" })
        {
            await Assertions.Expect(page.Locator($".field-error[data-field={field}]")).ToBeVisibleAsync();
        }

        await UiServer.ScreenshotAsync(page, "booking-form-errors");
        await AssertFitsAsync(page);

        await RequestAsync(page, date);
        await Assertions.Expect(page.Locator("[data-testid=booked-status]")).ToHaveTextAsync("待审批");
        await Assertions.Expect(page.Locator("[data-testid=booked-slot]")).ToHaveTextAsync($"{date} 19:00–20:00");
        await Assertions.Expect(page.Locator($"[data-testid=calendar] li[data-date='{date}'] [data-testid=slot]")).ToContainTextAsync("19:00–20:00 待审批");
        await UiServer.ScreenshotAsync(page, "unit-contact-venue-booked");
        await AssertFitsAsync(page);

        await RequestAsync(page, date);
        await Assertions.Expect(page.Locator("[data-testid=booking-refused]")).ToContainTextAsync("该时段已被预约");
        await Assertions.Expect(page.Locator("[data-testid=booked]")).ToHaveCountAsync(0);

        await page.ClickAsync("nav a[href='/bookings']");
        var booking = page.Locator("[data-testid=booking]", new() { HasText = $"{date} 19:00–20:00" }).Filter(new() { HasText = Venue });
        await Assertions.Expect(booking).ToHaveCountAsync(1);
        await Assertions.Expect(booking.Locator("[data-testid=booking-status]")).ToHaveTextAsync("待审批");
        await booking.Locator("input[name='Cancel.Reason']").FillAsync("活动改期");
        await booking.Locator("form[data-testid=cancel-form] button[type=submit]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=cancelled]")).ToBeVisibleAsync();
        await Assertions.Expect(booking.Locator("[data-testid=booking-status]")).ToHaveTextAsync("已取消");
        await Assertions.Expect(booking.Locator("[data-testid=cancel-reason]")).ToContainTextAsync("活动改期");
        await Assertions.Expect(booking.Locator("form[data-testid=cancel-form]")).ToHaveCountAsync(0);
        await UiServer.ScreenshotAsync(page, "unit-contact-booking-cancelled");
        await AssertFitsAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_street_chair_has_no_booking_pages_in_the_navigation_and_a_secretary_has_both()
    {
        var chair = await ui.PhoneAsync(DemoUsers.StreetChair);
        await Assertions.Expect(chair.Locator("nav a[href='/resources']")).ToHaveCountAsync(0);
        await chair.Context.CloseAsync();

        var secretary = await ui.PhoneAsync(DemoUsers.CommunitySecretary);
        await Assertions.Expect(secretary.Locator("nav a[href='/resources']")).ToHaveCountAsync(1);
        await Assertions.Expect(secretary.Locator("nav a[href='/bookings']")).ToHaveCountAsync(1);
        await secretary.Context.CloseAsync();
    }

    private static async Task RequestAsync(IPage page, string date)
    {
        await page.FillAsync("#start", $"{date}T19:00");
        await page.FillAsync("#end", $"{date}T20:00");
        await page.FillAsync("#headCount", "25");
        await page.FillAsync("#purpose", "共建单位主题党日活动");
        await page.ClickAsync("form[data-testid=booking-form] button[type=submit]");
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{page.Url} scrolls sideways by {overflow}px at 360px");
    }

    /// <summary>A weekday at least six days ahead in China Standard Time, on which the venue keeps its usual hours (not 12-24).</summary>
    private static DateOnly FreeWeekday()
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);
        var day = today.AddDays(6);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || (day.Month == 12 && day.Day == 24))
        {
            day = day.AddDays(1);
        }

        return day;
    }
}
