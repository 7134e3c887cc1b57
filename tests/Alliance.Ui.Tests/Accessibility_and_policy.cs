using Alliance.Server.Features.Assessments;
using Alliance.Server.Features.Bulletins;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Meetings;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>Each main page (and the meeting pages) on a phone: no serious or critical axe violation, no horizontal scroll, no blocked resource.</summary>
[Collection(SharedUi.Name)]
public sealed class Accessibility_and_policy(UiServer ui)
{
    public static TheoryData<string, string, string> MainPages => new()
    {
        { "", "/", "signin" },
        { DemoUsers.CommunitySecretary, "/items", "items" },
        { DemoUsers.CommunitySecretary, "/items/new", "submit" },
        { DemoUsers.UnitContact, "/tasks", "tasks" },
        { DemoUsers.UnitContact, "/notifications", "notifications" },
        { DemoUsers.StreetChair, "/board", "board" },
        { DemoUsers.CommunitySecretary, "/account/password", "password" },
        { DemoUsers.UnitContact, "/commitments", "commitments" },
        { DemoUsers.UnitContact, $"/commitments/{DemoRegion.Commitment(1).Value}", "commitment" },
        { DemoUsers.StreetChair, "/supervision", "supervision" },
        { DemoUsers.UnitContact, "/resources", "resources" },
        { DemoUsers.UnitContact, $"/resources/{DemoRegion.Resource(2).Value}", "resource" },
        { DemoUsers.CommunitySecretary, $"/resources/{DemoRegion.Resource(1).Value}", "resource-chair" },
        { DemoUsers.CommunitySecretary, "/bookings", "bookings" },
        { DemoUsers.CommunitySecretary, "/resources/ours", "our-resources" },
        { DemoUsers.UnitContact, "/resources/new", "resource-new" },
        { DemoUsers.StreetChair, "/reports", "reports" },
        { DemoUsers.StreetChair, "/reports/bulletins", "bulletins" },
        { DemoUsers.StreetChair, "/reports/assessments", "assessments" },
        { DemoUsers.UnitContact, "/reports", "reports-unit" },
        { DemoUsers.CommunitySecretary, "/meetings/calendar", "meeting-calendar" },
        { DemoUsers.CommunitySecretary, "/needs", "needs" },
        { DemoUsers.UnitContact, "/commitments/new", "commitment-new" },
        { DemoUsers.StreetChair, "/admin/people", "admin-people" },
        { DemoUsers.CommunitySecretary, $"/needs/{DemoRegion.Need(1).Value}", "need" },
        { DemoUsers.CommunitySecretary, "/ledger", "ledger" },
        { DemoUsers.UnitContact, "/ledger?section=bookings", "ledger-unit" },
        { DemoUsers.UnitContact, "/notifications/settings", "notification-settings" },
        { DemoUsers.DistrictAdmin, "/admin/dead-letters", "dead-letters" },
        { DemoUsers.UnitSecretary, "/notifications/channels", "organisation-channels" },
        { DemoUsers.StreetChair, "/notifications/channels", "organisation-channels-choice" },
        { DemoUsers.CommunitySecretary, $"/notifications/rules/{DemoRegion.CommunityAlliance(1).Value}?topic=item.urgent", "notification-rules" },
        { DemoUsers.DistrictAdmin, "/admin", "admin" },
        { DemoUsers.DistrictAdmin, "/admin/organisations", "admin-organisations" },
        { DemoUsers.CommunitySecretary, $"/admin/organisations/{DemoRegion.Community(1).Value}", "admin-organisation" },
        { DemoUsers.StreetChair, "/admin/alliances", "admin-alliances" },
        { DemoUsers.StreetChair, $"/admin/alliances/{DemoRegion.StreetAlliance(1).Value}", "admin-alliance" },
        { DemoUsers.DistrictAdmin, "/admin/audit?verify=1", "admin-audit" },
        { DemoUsers.DistrictAdmin, "/admin/workflows", "admin-workflows" },
        { DemoUsers.DistrictAdmin, "/admin/workflows/definitions/deliberation/1", "admin-workflow-definition" },
    };

    [Theory]
    [MemberData(nameof(MainPages))]
    public Task A_main_page_has_no_serious_accessibility_violation_fits_a_phone_and_breaks_no_policy(string user, string path, string name) =>
        AssertMainPageAsync(user, path, name);

    /// <summary>
    /// 联席会议 as the street chair (东湖街道's 大党工委, whose chair is lihongmei) and a member unit's contact (songjia,
    /// unit 9) see them: the list with the schedule form, the chair's console of an open meeting, and the member's phone
    /// view with its check-in. The meeting is prepared through MeetingOperations, as its chair.
    /// </summary>
    [Fact]
    public async Task The_meeting_pages_have_no_serious_accessibility_violation_fit_a_phone_and_break_no_policy()
    {
        var meeting = await ui.AsAsync(DemoUsers.StreetChair, async (services, scope) =>
        {
            var meetings = services.GetRequiredService<MeetingOperations>();
            var scheduled = await meetings.ScheduleAsync(scope, new(
                DemoRegion.StreetAlliance(1), MeetingKind.Regular, "东湖街道大党工委季度联席会议", DateTimeOffset.UtcNow.AddMinutes(30),
                DateTimeOffset.UtcNow.AddHours(2), "东湖街道党群服务中心三楼会议室"), CancellationToken.None);
            await meetings.FixAgendaAsync(scope, scheduled.Id, CancellationToken.None);
            return await meetings.OpenAsync(scope, scheduled.Id, CancellationToken.None);
        });

        await AssertMainPageAsync(DemoUsers.StreetChair, "/meetings", "meetings");
        await AssertMainPageAsync(DemoUsers.StreetChair, $"/meetings/{meeting.Id.Value}", "meeting-chair", live: true);
        await AssertMainPageAsync("songjia", $"/meetings/{meeting.Id.Value}", "meeting-member", live: true);
    }

    /// <summary>
    /// The item page, live, as the secretary who verifies a finished joint task on it (her task card with its form) and
    /// as the unit contact who did the work (read only).
    /// </summary>
    [Fact]
    public async Task The_item_page_has_no_serious_accessibility_violation_fits_a_phone_and_breaks_no_policy()
    {
        var item = await ui.JointTaskOfUnitOneAsync("东湖税务所协助社区开展税法宣传 " + Guid.NewGuid().ToString("N")[..6], "请成员单位协助社区开展税法宣传进小区活动。",
            ("claim", "accept", null), ("work", "done", new System.Text.Json.Nodes.JsonObject { ["report"] = "已开展两场" }));

        await AssertMainPageAsync(DemoUsers.CommunitySecretary, $"/items/{item.Value}", "item-secretary", live: true);
        await AssertMainPageAsync(DemoUsers.UnitContact, $"/items/{item.Value}", "item-unit-contact", live: true);
    }

    /// <summary>A workflow instance's page as the district administrator operates it: its actions and its migration form.</summary>
    [Fact]
    public async Task The_workflow_instance_page_has_no_serious_accessibility_violation_fits_a_phone_and_breaks_no_policy()
    {
        var instance = await ui.DeliberationRouteAsync("无障碍检查事项");
        await AssertMainPageAsync(DemoUsers.DistrictAdmin, $"/admin/workflows/instances/{instance}", "admin-workflow-instance");
    }

    /// <summary>A bulletin's page as the street's chair reviews its draft (last month's, written by the job here).</summary>
    [Fact]
    public async Task The_bulletin_page_has_no_serious_accessibility_violation_fits_a_phone_and_breaks_no_policy()
    {
        var id = await ui.AsAsync(DemoUsers.StreetChair, async (services, scope) =>
        {
            await services.GetRequiredService<BulletinJob>().RunAsync(CancellationToken.None);
            var bulletins = await services.GetRequiredService<BulletinOperations>().ListAsync(scope, DemoRegion.StreetAlliance(1), CancellationToken.None);
            return bulletins.OrderByDescending(b => b.Month, StringComparer.Ordinal).First().Id;
        });
        await AssertMainPageAsync(DemoUsers.StreetChair, $"/reports/bulletins/{id}", "bulletin");
    }

    /// <summary>An assessment's page as the district reads it (computed here for 2018, a year no other test takes).</summary>
    [Fact]
    public async Task The_assessment_page_has_no_serious_accessibility_violation_fits_a_phone_and_breaks_no_policy()
    {
        var id = await ui.AsAsync(DemoUsers.StreetChair, async (services, scope) =>
            (await services.GetRequiredService<AssessmentOperations>().ComputeAsync(scope, DemoRegion.StreetAlliance(1), 2018, CancellationToken.None)).Assessment.Id);
        await AssertMainPageAsync(DemoUsers.DistrictAdmin, $"/reports/assessments/{id}", "assessment");
    }

    private async Task AssertMainPageAsync(string user, string path, string name, bool live = false)
    {
        var page = await ui.PhoneAsync(user.Length == 0 ? null : user);
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                blocked.Add(message.Text);
            }
        };
        await page.GotoAsync(path);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        if (live)
        {
            await MeetingsKit.WaitUntilLiveAsync(page);
        }

        var result = await page.RunAxe();

        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        Assert.True(serious.Count == 0, string.Join(Environment.NewLine, serious));
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        if (overflow > 0)
        {
            var wide = await page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(-5).map(e => e.outerHTML.slice(0, 120))");
            Assert.Fail($"{path} scrolls sideways by {overflow}px at 360px; widest: {string.Join(" | ", wide)}");
        }
        var small = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('main button, main a.primary, main select, main input:not([type=hidden]):not([type=radio]):not([type=checkbox]), nav a, header a, header button')]"
            + ".filter(e => e.offsetParent !== null).filter(e => { const r = e.getBoundingClientRect(); return r.height < 44; }).map(e => e.outerHTML.slice(0, 80))");
        Assert.True(small.Length == 0, "tap targets under 44px: " + string.Join(" | ", small));
        Assert.True(blocked.Count == 0, string.Join(Environment.NewLine, blocked));
        await UiServer.ScreenshotAsync(page, "page-" + name);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_english_switch_is_remembered_and_chinese_comes_back_with_one_tap()
    {
        var page = await ui.PhoneAsync(DemoUsers.CommunityStaff);
        await page.GotoAsync("/items");

        await page.ClickAsync("a.lang");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("My items");
        await page.GotoAsync("/tasks");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Tasks");

        await page.ClickAsync("a.lang");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Every_ui_response_carries_the_content_security_policy()
    {
        var page = await ui.PhoneAsync();

        var response = await page.GotoAsync("/");

        var policy = await response!.HeaderValueAsync("content-security-policy");
        Assert.NotNull(policy);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn", policy, StringComparison.OrdinalIgnoreCase);
        await page.Context.CloseAsync();
    }
}
