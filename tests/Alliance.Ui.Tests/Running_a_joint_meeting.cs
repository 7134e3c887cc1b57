using Alliance.Server.Features.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// 联席会议 in the browser, each person in their own context on a 360×740 phone: the chair (桂花社区's secretary)
/// schedules a meeting through the form, prepares and fixes its agenda and opens it; three member units reply, check
/// in and vote on their phones; check-ins, the tally and the result reach every screen without reload; the chair
/// closes the meeting and publishes the minutes, which the members then read.
/// </summary>
[Collection(SharedUi.Name)]
public sealed class Running_a_joint_meeting(UiServer ui)
{
    [Fact]
    public async Task The_chair_runs_a_vote_the_members_cast_on_their_phones_and_every_screen_follows_live()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var title = "桂花社区联席会议 " + suffix;
        await ui.DecideAtMeetingsAsync();
        var item = (await ui.DecisionWaitingAsync("社区长者食堂共建方案 " + suffix)).Value;
        var other = (await ui.DecisionWaitingAsync("社区文化墙改造方案 " + suffix)).Value;

        // The chair schedules it through the form on 会议.
        var chair = await ui.PhoneAsync(DemoUsers.CommunitySecretary);
        await chair.ClickAsync("nav a[href='/meetings']");
        await Assertions.Expect(chair.Locator("h1")).ToHaveTextAsync("联席会议");
        await chair.ClickAsync("[data-testid=schedule] summary");
        await chair.SelectOptionAsync("#allianceId", new SelectOptionValue { Label = DemoRegion.CommunityAllianceName(1) });
        await chair.SelectOptionAsync("#kind", "AdHoc");
        await chair.FillAsync("#title", title);
        await chair.FillAsync("#startsAt", MeetingsKit.LocalInput(2));
        await chair.FillAsync("#endsAt", MeetingsKit.LocalInput(4));
        await chair.FillAsync("#location", "桂花社区党群服务中心二楼会议室");
        await chair.ClickAsync("form[data-testid=schedule-form] button[type=submit]");
        await Assertions.Expect(chair.Locator("[data-testid=meeting-title]")).ToHaveTextAsync(title);
        await MeetingsKit.WaitUntilLiveAsync(chair);
        var meeting = chair.Url[(chair.Url.LastIndexOf('/') + 1)..];
        await Assertions.Expect(chair.Locator("[data-testid=meeting-status]")).ToHaveTextAsync("征集议题");
        await Assertions.Expect(chair.Locator("[data-testid=point][data-kind=Review]")).ToHaveCountAsync(1);

        // The agenda window took every waiting item: the chair keeps this test's two, orders them, and removes one with a reason.
        var waiting = await chair.Locator("[data-testid=point][data-item]:not([data-kind=Review])").EvaluateAllAsync<string[]>("ps => ps.map(p => p.dataset.item)");
        foreach (var foreign in waiting.Where(i => i.Length > 0 && i != item.ToString() && i != other.ToString()))
        {
            await RemoveAsync(chair, foreign, "不属本次会议议题");
        }

        var ours = await chair.Locator("[data-testid=point]:not([data-kind=Review])").EvaluateAllAsync<string[]>("ps => ps.map(p => p.dataset.item)");
        Assert.Equal(2, ours.Length);
        await Point(chair, ours[1]).Locator("[data-testid=move-up]").ClickAsync();
        await Assertions.Expect(chair.Locator("[data-testid=point]:not([data-kind=Review])").First).ToHaveAttributeAsync("data-item", ours[1]);
        await RemoveAsync(chair, other.ToString(), "材料不全，下次会议再议");
        await Assertions.Expect(chair.Locator("[data-testid=removed-points]")).ToContainTextAsync("材料不全，下次会议再议");

        // The members open the meeting on their phones.
        var members = new List<IPage>();
        foreach (var user in new[] { DemoUsers.UnitContact, DemoUsers.HospitalContact, "zhuting" })
        {
            var member = await ui.PhoneAsync(user);
            await member.GotoAsync($"/meetings/{meeting}");
            await MeetingsKit.WaitUntilLiveAsync(member);
            members.Add(member);
        }

        var (lin, huang, zhu) = (members[0], members[1], members[2]);
        await chair.ClickAsync("[data-testid=fix-agenda]");
        await Assertions.Expect(lin.Locator("[data-testid=meeting-status]")).ToHaveTextAsync("已发通知");

        // A member sends a deputy; the chair sees the reply without reload.
        await zhu.SelectOptionAsync("[data-testid=reply]", "Deputy");
        await zhu.FillAsync("[data-testid=deputy-name]", "王小明");
        await zhu.ClickAsync("[data-testid=send-reply]");
        await Assertions.Expect(zhu.Locator("[data-testid=my-reply]")).ToContainTextAsync("委托参会（王小明）");
        await Assertions.Expect(chair.Locator($"[data-testid=attendee][data-organisation='{DemoRegion.Unit(4).Value}']")).ToContainTextAsync("王小明");

        await chair.ClickAsync("[data-testid=open-meeting]");
        await Assertions.Expect(chair.Locator("[data-testid=meeting-status]")).ToHaveTextAsync("会议进行中");
        await chair.Locator("[data-testid=point][data-kind=Review] [data-testid=noted]").ClickAsync();
        await Assertions.Expect(chair.Locator("[data-testid=point][data-kind=Review] [data-testid=point-outcome]")).ToContainTextAsync("已听取");
        var vote = Point(chair, item.ToString());
        await vote.Locator("[data-testid=make-current]").ClickAsync();
        await Assertions.Expect(vote.Locator("[data-testid=current]")).ToBeVisibleAsync();

        // No vote without the quorum: the refusal is said beside the button.
        await vote.Locator("[data-testid=open-vote]").ClickAsync();
        await Assertions.Expect(vote.Locator("[data-testid=meeting-refused]")).ToContainTextAsync("未达法定人数");

        // The members check in on their phones; every screen counts them.
        foreach (var member in members)
        {
            await member.Locator("[data-testid=check-in]").ClickAsync();
            await Assertions.Expect(member.Locator("[data-testid=my-check-in]")).ToContainTextAsync("已签到");
        }

        foreach (var page in members.Append(chair))
        {
            await Assertions.Expect(page.Locator("[data-testid=present]")).ToHaveTextAsync("到会 3/5");
            await Assertions.Expect(page.Locator("[data-testid=quorum-state]")).ToHaveTextAsync("已达法定人数");
        }

        await vote.Locator("[data-testid=notes]").FillAsync("与会单位认为长者食堂选址合理，经费分担需明确。");
        await vote.Locator("[data-testid=save-notes]").ClickAsync();
        await Assertions.Expect(vote.Locator("[data-testid=point-notes]")).ToContainTextAsync("长者食堂选址合理");
        await vote.Locator("[data-testid=open-vote]").ClickAsync();

        // The vote reaches the phones; each member votes, one changes its ballot.
        await lin.Locator("[data-testid=ballot-for]").ClickAsync();
        await huang.Locator("[data-testid=ballot-against]").ClickAsync();
        await Assertions.Expect(huang.Locator("[data-testid=my-ballot]")).ToContainTextAsync("我的表决：反对");
        await huang.Locator("[data-testid=ballot-for]").ClickAsync();
        await Assertions.Expect(huang.Locator("[data-testid=my-ballot]")).ToContainTextAsync("我的表决：赞成");
        await Assertions.Expect(huang.Locator("[data-testid=ballot-for]")).ToHaveAttributeAsync("aria-pressed", "true");
        await zhu.Locator("[data-testid=ballot-abstain]").ClickAsync();

        foreach (var tally in new[] { vote.Locator("[data-testid=tally]"), lin.Locator("[data-testid=vote] [data-testid=tally]"), zhu.Locator("[data-testid=vote] [data-testid=tally]") })
        {
            await Assertions.Expect(tally.Locator("[data-testid=tally-for]")).ToHaveTextAsync("2");
            await Assertions.Expect(tally.Locator("[data-testid=tally-against]")).ToHaveTextAsync("0");
            await Assertions.Expect(tally.Locator("[data-testid=tally-abstain]")).ToHaveTextAsync("1");
            await Assertions.Expect(tally.Locator("[data-testid=tally-eligible]")).ToHaveTextAsync("3");
        }

        await vote.ScrollIntoViewIfNeededAsync();
        await UiServer.ScreenshotAsync(chair, "meeting-chair-console-vote");
        await MeetingsKit.AssertFitsAsync(chair);
        await chair.SetViewportSizeAsync(1280, 900); // the chair's large screen: agenda beside attendance
        await UiServer.ScreenshotAsync(chair, "meeting-chair-console-desktop");
        await chair.SetViewportSizeAsync(UiServer.PhoneWidth, UiServer.PhoneHeight);
        await UiServer.ScreenshotAsync(huang, "meeting-member-vote");
        await MeetingsKit.AssertFitsAsync(huang);

        // The chair closes the vote with its joint task; the result shows on every phone.
        await vote.Locator("[data-testid=resolution]").FillAsync("同意共建社区长者食堂");
        await vote.Locator("[data-testid=lead-unit]").SelectOptionAsync(DemoRegion.Unit(2).Value.ToString());
        await vote.Locator("[data-testid=due-date]").FillAsync(DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await vote.Locator("[data-testid=close-vote]").ClickAsync();
        foreach (var page in members.Append(chair))
        {
            await Assertions.Expect(Point(page, item.ToString()).Locator("[data-testid=point-outcome]")).ToContainTextAsync("表决通过");
        }

        await Assertions.Expect(lin.Locator("[data-testid=vote]")).ToHaveCountAsync(0);

        // Close, edit and publish the minutes; the members read them.
        await chair.ClickAsync("[data-testid=close-meeting]");
        var editor = chair.Locator("[data-testid=minutes-editor]");
        await Assertions.Expect(editor).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("赞成 2，反对 0，弃权 1"));
        await editor.FillAsync(await editor.InputValueAsync() + "\n会议记录人：孙磊");
        await chair.ClickAsync("[data-testid=publish-minutes]");
        await Assertions.Expect(chair.Locator("[data-testid=minutes-state]")).ToHaveTextAsync("已发布");
        await Assertions.Expect(lin.Locator("[data-testid=meeting-status]")).ToHaveTextAsync("纪要已发布");
        await Assertions.Expect(lin.Locator("[data-testid=minutes-text]")).ToContainTextAsync("会议记录人：孙磊");
        await Assertions.Expect(lin.Locator("[data-testid=docx]")).ToHaveAttributeAsync("href", $"/api/meetings/{meeting}/minutes.docx");
        await lin.Locator("[data-testid=minutes]").ScrollIntoViewIfNeededAsync();
        await UiServer.ScreenshotAsync(lin, "meeting-minutes");
        await MeetingsKit.AssertFitsAsync(lin);

        // The docx downloads with the member's cookie.
        var docx = await lin.Context.APIRequest.GetAsync($"/api/meetings/{meeting}/minutes.docx");
        Assert.Equal(200, docx.Status);

        await chair.ClickAsync("nav a[href='/meetings']");
        var card = chair.Locator($"[data-testid=meeting][data-meeting='{meeting}']");
        await Assertions.Expect(card.Locator("[data-testid=meeting-status]")).ToHaveTextAsync("纪要已发布");
        await Assertions.Expect(card.Locator("[data-testid=meeting-present]")).ToHaveTextAsync("到会 3/5");
        await UiServer.ScreenshotAsync(chair, "meeting-list");
        await MeetingsKit.AssertFitsAsync(chair);
        foreach (var page in members.Append(chair))
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Bad_input_in_the_schedule_form_shows_chinese_errors_beside_each_field_and_stores_nothing()
    {
        var chair = await ui.PhoneAsync(DemoUsers.StreetChair);
        var before = await ui.CountMeetingsAsync();
        await chair.GotoAsync("/meetings");
        await chair.ClickAsync("[data-testid=schedule] summary");

        await chair.FillAsync("#title", "");
        await chair.FillAsync("#startsAt", MeetingsKit.LocalInput(-48));
        await chair.FillAsync("#endsAt", MeetingsKit.LocalInput(-49));
        await chair.ClickAsync("form[data-testid=schedule-form] button[type=submit]");

        await Assertions.Expect(chair.Locator("#title-error")).ToContainTextAsync("会议名称");
        await Assertions.Expect(chair.Locator("#kind-error")).ToContainTextAsync("会议类型");
        await Assertions.Expect(chair.Locator("#startsAt-error")).ToContainTextAsync("开始时间不能早于现在");
        await Assertions.Expect(chair.Locator("#endsAt-error")).ToContainTextAsync("结束时间须晚于开始时间");
        await Assertions.Expect(chair.Locator("#title")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(chair.Locator("[data-testid=schedule]")).ToHaveAttributeAsync("open", "");
        Assert.Equal(before, await ui.CountMeetingsAsync());
        await UiServer.ScreenshotAsync(chair, "meeting-schedule-errors");
        await MeetingsKit.AssertFitsAsync(chair);
        await chair.Context.CloseAsync();
    }

    [Fact]
    public async Task A_meeting_outside_the_persons_alliances_is_not_found()
    {
        var meeting = await ui.AsAsync(DemoUsers.StreetChair, (services, scope) =>
            services.GetRequiredService<Alliance.Server.Features.Meetings.MeetingOperations>().ScheduleAsync(scope, new(
                DemoRegion.StreetAlliance(1), Alliance.Server.Features.Meetings.MeetingKind.Regular, "东湖街道大党工委例会", DateTimeOffset.UtcNow.AddDays(3),
                DateTimeOffset.UtcNow.AddDays(3).AddHours(2), null), CancellationToken.None));
        var outsider = await ui.PhoneAsync(DemoUsers.OtherUnitContact);

        var response = await outsider.GotoAsync($"/meetings/{meeting.Id.Value}");

        Assert.Equal(404, response!.Status);
        await Assertions.Expect(outsider.Locator("[data-testid=not-found]")).ToBeVisibleAsync();
        await outsider.Context.CloseAsync();
    }

    [Fact]
    public async Task The_chair_cancels_a_scheduled_meeting_with_a_reason_and_the_page_says_so()
    {
        var meeting = await ui.AsAsync(DemoUsers.StreetChair, (services, scope) =>
            services.GetRequiredService<Alliance.Server.Features.Meetings.MeetingOperations>().ScheduleAsync(scope, new(
                DemoRegion.StreetAlliance(1), Alliance.Server.Features.Meetings.MeetingKind.AdHoc, "东湖街道大党工委专题会", DateTimeOffset.UtcNow.AddDays(5),
                DateTimeOffset.UtcNow.AddDays(5).AddHours(2), null), CancellationToken.None));
        var chair = await ui.PhoneAsync(DemoUsers.StreetChair);
        await chair.GotoAsync($"/meetings/{meeting.Id.Value}");
        await Assertions.Expect(chair.Locator("[data-testid=live-state]")).ToHaveAttributeAsync("data-following", "true");
        var cancel = chair.Locator("[data-testid=cancel-meeting]");
        await cancel.Locator("summary").ClickAsync();

        // no reason: refused beside the field, the meeting stands
        await cancel.Locator("[data-testid=cancel-confirm]").ClickAsync();
        await Assertions.Expect(cancel.Locator(".field-error[data-field=reason]")).ToContainTextAsync("取消原因");
        await Assertions.Expect(chair.Locator("[data-testid=meeting-status]")).ToHaveTextAsync("征集议题");

        await cancel.Locator("[data-testid=cancel-reason]").FillAsync("与区委专题会议时间冲突，另行安排");
        await UiServer.ScreenshotAsync(chair, "meeting-cancel");
        await cancel.Locator("[data-testid=cancel-confirm]").ClickAsync();

        await Assertions.Expect(chair.Locator("[data-testid=meeting-status]")).ToHaveTextAsync("已取消");
        await Assertions.Expect(chair.Locator("[data-testid=meeting-facts]")).ToContainTextAsync("与区委专题会议时间冲突");
        await Assertions.Expect(chair.Locator("[role=status]", new() { HasText = "会议已取消" })).ToBeVisibleAsync();
        await Assertions.Expect(chair.Locator("[data-testid=cancel-meeting]")).ToHaveCountAsync(0);
        await chair.Context.CloseAsync();
    }

    [Fact]
    public async Task The_chair_books_a_shared_venue_puts_a_removed_item_back_by_hand_and_finds_the_meeting_on_the_calendar()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var title = "共享之家联席会议 " + suffix;
        await ui.DecideAtMeetingsAsync();
        var item = (await ui.DecisionWaitingAsync("社区助餐点共建方案 " + suffix)).Value.ToString();

        // A weekday afternoon a few days ahead, inside the venue's opening hours (Monday to Friday, 9:00-21:00).
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, MeetingsKit.China).DateTime).AddDays(3);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || day is { Month: 12, Day: 24 or 31 })
        {
            day = day.AddDays(1);
        }

        // The chair's board, open on another screen, follows the meetings ahead with their agenda.
        var board = await ui.PhoneAsync(DemoUsers.CommunitySecretary);
        await board.GotoAsync("/board");
        await MeetingsKit.WaitUntilLiveAsync(board);

        var chair = await ui.PhoneAsync(DemoUsers.CommunitySecretary);
        await chair.GotoAsync("/meetings");
        await chair.ClickAsync("[data-testid=schedule] summary");
        await chair.SelectOptionAsync("#allianceId", new SelectOptionValue { Label = DemoRegion.CommunityAllianceName(1) });
        await chair.SelectOptionAsync("#kind", "AdHoc");
        await chair.FillAsync("#title", title);
        await chair.FillAsync("#startsAt", $"{day:yyyy-MM-dd}T14:00");
        await chair.FillAsync("#endsAt", $"{day:yyyy-MM-dd}T16:00");
        await chair.SelectOptionAsync("#venueId", DemoRegion.Resource(2).Value.ToString());
        await UiServer.ScreenshotAsync(chair, "meeting-schedule-venue");
        await chair.ClickAsync("form[data-testid=schedule-form] button[type=submit]");
        await Assertions.Expect(chair.Locator("[data-testid=meeting-title]")).ToHaveTextAsync(title);
        await Assertions.Expect(chair.Locator("[data-testid=meeting-facts]")).ToContainTextAsync("桂花社区党建共享之家");
        await MeetingsKit.WaitUntilLiveAsync(chair);
        var meeting = chair.Url[(chair.Url.LastIndexOf('/') + 1)..];

        var onBoard = board.Locator($"[data-testid=board-meeting][data-meeting='{meeting}']");
        await Assertions.Expect(onBoard).ToContainTextAsync(title);
        await Assertions.Expect(onBoard.Locator("[data-testid=board-agenda]")).ToContainTextAsync("社区助餐点共建方案 " + suffix);

        // Taken off the agenda, the item is offered to be put back by hand; once back, it is no longer offered.
        await RemoveAsync(chair, item, "待补充材料");
        await Assertions.Expect(onBoard.Locator("[data-testid=board-agenda]")).Not.ToContainTextAsync("社区助餐点共建方案 " + suffix);
        var choice = chair.Locator("[data-testid=add-item-choice]");
        await Assertions.Expect(choice.Locator($"option[value='{item}']")).ToHaveCountAsync(1);
        await choice.SelectOptionAsync(item);
        await chair.ClickAsync("[data-testid=add-item-submit]");
        await Assertions.Expect(Point(chair, item)).ToHaveCountAsync(1);
        await Assertions.Expect(chair.Locator("[role=status]", new() { HasText = "已列入议程" })).ToBeVisibleAsync();
        await Assertions.Expect(chair.Locator($"[data-testid=add-item-choice] option[value='{item}']")).ToHaveCountAsync(0);
        await UiServer.ScreenshotAsync(chair, "meeting-add-item");
        await Assertions.Expect(onBoard.Locator("[data-testid=board-agenda]")).ToContainTextAsync("社区助餐点共建方案 " + suffix);
        await UiServer.ScreenshotAsync(board, "board-meetings");
        await board.Context.CloseAsync();
        await MeetingsKit.AssertFitsAsync(chair);

        // The calendar, from the list: the month, then the list of the coming days, where the meeting opens its page.
        await chair.GotoAsync("/meetings");
        await chair.ClickAsync("[data-testid=calendar-link]");
        await Assertions.Expect(chair.Locator("h1")).ToHaveTextAsync("会议日历");
        await Assertions.Expect(chair.Locator("[data-testid=calendar-summary]")).ToContainTextAsync("次会议");
        await UiServer.ScreenshotAsync(chair, "meeting-calendar-month");
        await MeetingsKit.AssertFitsAsync(chair);
        await chair.Locator("[data-testid=calendar]").GetByText("列表", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(chair.Locator("[data-testid=calendar] .rz-scheduler-nav-views .rz-state-active")).ToContainTextAsync("列表");
        var entry = chair.Locator($"[data-testid=calendar-meeting][data-meeting='{meeting}']");
        await Assertions.Expect(entry).ToContainTextAsync(title);
        await UiServer.ScreenshotAsync(chair, "meeting-calendar-list");
        await MeetingsKit.AssertFitsAsync(chair);
        await entry.ClickAsync();
        await Assertions.Expect(chair.Locator("[data-testid=meeting-title]")).ToHaveTextAsync(title);

        await ui.AsAsync(DemoUsers.CommunitySecretary, (services, scope) =>
            services.GetRequiredService<Alliance.Server.Features.Meetings.MeetingOperations>().CancelAsync(scope, new(Guid.Parse(meeting)), "测试结束", CancellationToken.None));
        await chair.Context.CloseAsync();
    }

    private static ILocator Point(IPage page, string item) => page.Locator($"[data-testid=point][data-item='{item}']");

    private static async Task RemoveAsync(IPage chair, string item, string reason)
    {
        var point = Point(chair, item);
        await point.Locator("details.remove summary").ClickAsync();
        await point.Locator("[data-testid=remove-reason]").FillAsync(reason);
        await point.Locator("[data-testid=remove]").ClickAsync();
        await Assertions.Expect(point).ToHaveCountAsync(0);
    }
}
