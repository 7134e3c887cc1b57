using System.Globalization;
using Alliance.Server.Features.Demo;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// 资源共享 from the owner's side on a phone: 我们的资源 lists the requests waiting on what the organisation shares; the
/// owner's contact approves one and declines another with a reason, and switches a venue to emergency use (平急转换),
/// which cancels an overlapping booking; the alliance's chair does the same from the venue's own page. The requester sees each outcome on 我的预约 after reloading it (a static page).
/// </summary>
[Collection(SharedUi.Name)]
public sealed class Deciding_requests_as_the_owner(UiServer ui)
{
    /// <summary>Unit 3's base (国网江滨供电公司, yangfan): exclusive, the owner approves, Tue and Thu 14–17 on a 60-minute grain.</summary>
    private const string Base = "国网江滨供电公司开放式组织生活基地";

    /// <summary>桂花社区's venue (owned by the community: its secretary and staff act for it), Mon–Fri 09–21 on a 30-minute grain.</summary>
    private const string Home = "桂花社区党建共享之家";

    /// <summary>Unit 1's room (东湖税务所), shared through 桂花社区's alliance: the owner approves, Mon–Fri 09–17 on a 30-minute grain.</summary>
    private const string TaxRoom = "东湖税务所党员活动室";

    [Fact]
    public async Task A_unit_contact_requests_another_units_venue_its_contact_approves_one_and_declines_one_with_a_reason()
    {
        var date = UiDays.Iso(UiDays.Ahead(7, DayOfWeek.Tuesday, DayOfWeek.Thursday));
        var requester = await ui.PhoneAsync(DemoUsers.HospitalContact);
        await RequestAsync(requester, Base, date, "14:00", "15:00", "30", "党员参观学习电力安全");
        await RequestAsync(requester, Base, date, "15:00", "16:00", "20", "青年党员安全用电宣讲");

        var owner = await ui.PhoneAsync(DemoUsers.SeveralRoles);
        await owner.ClickAsync($"nav a[href='/resources/ours']");
        await Assertions.Expect(owner.Locator("h1")).ToHaveTextAsync("我们的资源");
        var first = Pending(owner, $"{date} 14:00–15:00");
        var second = Pending(owner, $"{date} 15:00–16:00");
        await Assertions.Expect(first).ToHaveCountAsync(1);
        await Assertions.Expect(first.Locator("[data-testid=requester]")).ToHaveTextAsync("江滨区人民医院");
        await Assertions.Expect(first).ToContainTextAsync("党员参观学习电力安全");
        await Assertions.Expect(first).ToContainTextAsync("30");
        await Assertions.Expect(first.Locator("[data-testid=deadline]")).ToContainTextAsync("剩 ");
        await Assertions.Expect(second).ToHaveCountAsync(1);
        await Assertions.Expect(owner.Locator($"[data-testid=owned]:has-text('{Base}') [data-testid=pending-count]")).ToContainTextAsync("待审批");
        await UiServer.ScreenshotAsync(owner, "owner-pending-requests");
        await AssertFitsAsync(owner);

        await first.Locator("form[data-testid=approve-form] button[type=submit]").ClickAsync();
        await Assertions.Expect(owner.Locator("[data-testid=decided]")).ToContainTextAsync("已批准");
        await Assertions.Expect(first).ToHaveCountAsync(0);

        await second.Locator("form[data-testid=decline-form] button[type=submit]").ClickAsync();
        await Assertions.Expect(second.Locator(".field-error[data-field=reason]")).ToHaveTextAsync("请填写拒绝原因。");
        await Assertions.Expect(second.Locator("input[aria-invalid=true]")).ToHaveCountAsync(1);
        await UiServer.ScreenshotAsync(owner, "owner-decline-reason-required");
        await AssertFitsAsync(owner);
        await owner.ReloadAsync();
        await Assertions.Expect(second).ToHaveCountAsync(1);

        await second.Locator("input[name='Decision.Reason']").FillAsync("当天基地安排设备检修");
        await second.Locator("form[data-testid=decline-form] button[type=submit]").ClickAsync();
        await Assertions.Expect(owner.Locator("[data-testid=decided]")).ToContainTextAsync("已拒绝");
        await Assertions.Expect(second).ToHaveCountAsync(0);
        await owner.Context.CloseAsync();

        await requester.ClickAsync("nav a[href='/bookings']");
        var approved = Booking(requester, Base, $"{date} 14:00–15:00");
        var declined = Booking(requester, Base, $"{date} 15:00–16:00");
        await Assertions.Expect(approved.Locator("[data-testid=booking-status]")).ToHaveTextAsync("已批准");
        await Assertions.Expect(declined.Locator("[data-testid=booking-status]")).ToHaveTextAsync("已拒绝");
        await Assertions.Expect(declined).ToContainTextAsync("拒绝原因：当天基地安排设备检修");
        await approved.ScrollIntoViewIfNeededAsync();
        await UiServer.ScreenshotAsync(requester, "requester-booking-approved");
        await AssertFitsAsync(requester);
        await requester.Context.CloseAsync();
    }

    [Fact]
    public async Task The_community_switches_its_venue_to_emergency_use_after_a_confirm_step_and_the_overlapping_booking_is_cancelled()
    {
        var date = UiDays.Iso(UiDays.Ahead(9, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday));
        var requester = await ui.PhoneAsync(DemoUsers.HospitalContact);
        await RequestAsync(requester, Home, date, "10:00", "11:00", "20", "老年居民健康讲座");

        var owner = await ui.PhoneAsync(DemoUsers.CommunityStaff);
        await owner.ClickAsync("nav a[href='/resources/ours']");
        var venue = owner.Locator("[data-testid=owned]", new() { HasText = Home });
        await venue.Locator("summary").ClickAsync();
        await venue.Locator("form[data-testid=emergency-form] button[type=submit]").ClickAsync();
        foreach (var field in new[] { "from", "to", "reason" })
        {
            await Assertions.Expect(venue.Locator($".field-error[data-field={field}]")).ToBeVisibleAsync();
        }

        await venue.Locator("input[name='Emergency.From']").FillAsync($"{date}T09:30");
        await venue.Locator("input[name='Emergency.To']").FillAsync($"{date}T11:30");
        await venue.Locator("input[name='Emergency.Reason']").FillAsync("防汛应急安置点");
        await venue.Locator("form[data-testid=emergency-form] button[type=submit]").ClickAsync();
        var confirm = venue.Locator("[data-testid=emergency-confirm]");
        await Assertions.Expect(confirm.Locator("[data-testid=affected-count]")).ToHaveTextAsync("将取消 1 个预约，并立即通知申请方：");
        await Assertions.Expect(confirm).ToContainTextAsync($"{date} 09:30–11:30");
        await Assertions.Expect(confirm).ToContainTextAsync("老年居民健康讲座");
        await confirm.ScrollIntoViewIfNeededAsync();
        await UiServer.ScreenshotAsync(owner, "owner-emergency-confirm");
        await AssertFitsAsync(owner);

        await confirm.Locator("form[data-testid=emergency-confirm-form] button[type=submit]").ClickAsync();
        await Assertions.Expect(venue.Locator("[data-testid=switched]")).ToContainTextAsync("取消了 1 个预约");
        await Assertions.Expect(venue.Locator("[data-testid=in-emergency]")).ToContainTextAsync("防汛应急安置点");
        await UiServer.ScreenshotAsync(owner, "owner-emergency-switched");
        await AssertFitsAsync(owner);

        await requester.ClickAsync("nav a[href='/bookings']");
        var booking = Booking(requester, Home, $"{date} 10:00–11:00");
        await Assertions.Expect(booking.Locator("[data-testid=booking-status]")).ToHaveTextAsync("已取消");
        await Assertions.Expect(booking.Locator("[data-testid=cancel-reason]")).ToHaveTextAsync("平急转换取消：防汛应急安置点");
        await booking.ScrollIntoViewIfNeededAsync();
        await UiServer.ScreenshotAsync(requester, "requester-booking-emergency-cancelled");
        await requester.Context.CloseAsync();

        // Back to normal use, so that the venue takes requests again (and other tests are not affected).
        await venue.Locator("form[data-testid=switch-back-form] button[type=submit]").ClickAsync();
        await Assertions.Expect(venue.Locator("[data-testid=switched]")).ToHaveTextAsync("已恢复平时使用。");
        await Assertions.Expect(venue.Locator("[data-testid=in-emergency]")).ToHaveCountAsync(0);
        await owner.Context.CloseAsync();
    }

    [Fact]
    public async Task The_community_chair_switches_a_members_venue_from_its_page_and_the_booking_on_it_is_cancelled()
    {
        var date = UiDays.Iso(UiDays.Ahead(11, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday));
        var requester = await ui.PhoneAsync(DemoUsers.HospitalContact);
        await requester.GotoAsync($"/resources/{DemoRegion.Resource(1).Value}"); // on a later page of 共享资源
        await RequestHereAsync(requester, date, "15:00", "16:00", "12", "医院党支部主题党日");
        await Assertions.Expect(requester.Locator("[data-testid=resource-emergency]")).ToHaveCountAsync(0); // a member, not a switcher

        var chair = await ui.PhoneAsync(DemoUsers.CommunitySecretary); // 桂花社区's secretary chairs the alliance the tax office's room is shared through
        await chair.GotoAsync($"/resources/{DemoRegion.Resource(1).Value}");
        await Assertions.Expect(chair.Locator("[data-testid=resource-name]")).ToHaveTextAsync(TaxRoom);
        var emergency = chair.Locator("[data-testid=resource-emergency]");
        await emergency.Locator("summary").ClickAsync();
        await emergency.Locator("input[name='Emergency.From']").FillAsync($"{date}T14:30");
        await emergency.Locator("input[name='Emergency.To']").FillAsync($"{date}T16:30");
        await emergency.Locator("input[name='Emergency.Reason']").FillAsync("临时疫苗接种点");
        await emergency.Locator("form[data-testid=emergency-form] button[type=submit]").ClickAsync();
        var confirm = emergency.Locator("[data-testid=emergency-confirm]");
        await Assertions.Expect(confirm.Locator("[data-testid=affected-count]")).ToHaveTextAsync("将取消 1 个预约，并立即通知申请方：");
        await Assertions.Expect(confirm).ToContainTextAsync("医院党支部主题党日");
        await confirm.Locator("form[data-testid=emergency-confirm-form] button[type=submit]").ClickAsync();
        await Assertions.Expect(emergency.Locator("[data-testid=switched]")).ToContainTextAsync("取消了 1 个预约");
        await Assertions.Expect(emergency.Locator("[data-testid=in-emergency]")).ToContainTextAsync("临时疫苗接种点");
        await emergency.ScrollIntoViewIfNeededAsync();
        await UiServer.ScreenshotAsync(chair, "chair-resource-emergency-switched");
        await AssertFitsAsync(chair);

        await requester.ClickAsync("nav a[href='/bookings']");
        var booking = Booking(requester, TaxRoom, $"{date} 15:00–16:00");
        await Assertions.Expect(booking.Locator("[data-testid=booking-status]")).ToHaveTextAsync("已取消");
        await Assertions.Expect(booking.Locator("[data-testid=cancel-reason]")).ToHaveTextAsync("平急转换取消：临时疫苗接种点");
        await requester.Context.CloseAsync();

        await emergency.Locator("form[data-testid=switch-back-form] button[type=submit]").ClickAsync();
        await Assertions.Expect(emergency.Locator("[data-testid=switched]")).ToHaveTextAsync("已恢复平时使用。");
        await Assertions.Expect(emergency.Locator("[data-testid=in-emergency]")).ToHaveCountAsync(0);
        await chair.Context.CloseAsync();
    }

    [Fact]
    public async Task A_unit_that_shares_nothing_has_an_empty_desk_and_a_street_chair_has_no_link_and_nothing_to_decide()
    {
        var contact = await ui.PhoneAsync(DemoUsers.OtherUnitContact);
        await contact.ClickAsync("nav a[href='/resources/ours']");
        await Assertions.Expect(contact.Locator("[data-testid=no-resources]")).ToBeVisibleAsync();
        await Assertions.Expect(contact.Locator("[data-testid=no-pending]")).ToBeVisibleAsync();
        await contact.Context.CloseAsync();

        var chair = await ui.PhoneAsync(DemoUsers.StreetChair);
        await Assertions.Expect(chair.Locator("nav a[href='/resources/ours']")).ToHaveCountAsync(0);
        await chair.GotoAsync("/resources/ours");
        await Assertions.Expect(chair.Locator("[data-testid=no-resources]")).ToBeVisibleAsync();
        await chair.Context.CloseAsync();
    }

    private static ILocator Pending(IPage page, string slot) =>
        page.Locator("[data-testid=pending]", new() { HasText = slot }).Filter(new() { HasText = Base });

    private static ILocator Booking(IPage page, string resource, string slot) =>
        page.Locator("[data-testid=booking]", new() { HasText = slot }).Filter(new() { HasText = resource });

    /// <summary>Requests a slot on the resource's page, found through 共享资源, and waits for the request to be taken.</summary>
    private static async Task RequestAsync(IPage page, string resource, string date, string from, string to, string headCount, string purpose)
    {
        await page.ClickAsync("nav a[href='/resources']");
        await page.ClickAsync($"a.title:has-text('{resource}')");
        await RequestHereAsync(page, date, from, to, headCount, purpose);
    }

    /// <summary>Requests a slot on the resource page that is open, and waits for the request to be taken.</summary>
    private static async Task RequestHereAsync(IPage page, string date, string from, string to, string headCount, string purpose)
    {
        await page.FillAsync("#start", $"{date}T{from}");
        await page.FillAsync("#end", $"{date}T{to}");
        await page.FillAsync("#headCount", headCount);
        await page.FillAsync("#purpose", purpose);
        await page.ClickAsync("form[data-testid=booking-form] button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=booked-status]")).ToHaveTextAsync("待审批");
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{page.Url} scrolls sideways by {overflow}px at 360px");
    }
}

/// <summary>Days in China Standard Time for requests the tests make.</summary>
internal static class UiDays
{
    /// <summary>The first of <paramref name="days"/> at least <paramref name="ahead"/> days after today (China Standard Time), skipping the demo's special date 12-24.</summary>
    public static DateOnly Ahead(int ahead, params DayOfWeek[] days)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);
        var day = today.AddDays(ahead);
        while (!days.Contains(day.DayOfWeek) || (day.Month == 12 && day.Day is 24 or 31))
        {
            day = day.AddDays(1);
        }

        return day;
    }

    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
