using System.Net;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using Alliance.Server.Tests.Commitments;
using Alliance.Server.Tests.Meetings;
using Alliance.Server.Tests.Resources;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Reports;

/// <summary>
/// The figures of the ledgers and reports (#18): kept as a projection in the commit of each change, equal to a
/// recomputation from the stored rows after every action, read in the caller's scope, months in China time.
/// </summary>
public sealed class The_figures(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;
    private const string Unit = DemoUsers.UnitContact;

    private static string Alliance => $"alliance={DemoRegion.CommunityAlliance(1).Value}";

    private string Month(int plus = 0)
    {
        var month = ReportMonth.Of(app.Time.GetUtcNow());
        for (var i = 0; i < plus; i++)
        {
            month = ReportMonth.Next(month);
        }

        return ReportMonth.Text(month);
    }

    private async Task<Guid> JointTaskToVerifyingAsync()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask());
        await app.DoAsync(Unit, id, "claim", "accept", "我们来办");
        await app.DoAsync(Unit, id, "work", "done", fields: new { report = "讲座已举办", evidence = "签到表" });
        Assert.Equal("verifying", (await app.ItemAsync(Secretary, id)).Status());
        return id;
    }

    [Fact]
    public async Task Follow_a_joint_task_from_raising_to_its_rating_and_equal_their_recomputation_after_each_step()
    {
        var period = $"from={Month()}&to={Month()}";
        var before = await app.FiguresAsync(Secretary, $"{Alliance}&{period}");
        var unitBefore = await app.FiguresAsync(Unit, $"organisation={DemoRegion.Unit(1).Value}&{period}");

        var id = await app.SubmitAsync(Secretary, app.JointTask());
        await app.AssertFiguresMatchAsync("after the submission");
        var raised = await app.FiguresAsync(Secretary, $"{Alliance}&{period}");
        Assert.Equal(before.By("items", "raised", "jointTask") + 1, raised.By("items", "raised", "jointTask"));

        await app.DoAsync(Unit, id, "claim", "accept", "我们来办");
        await app.DoAsync(Unit, id, "work", "done", fields: new { report = "讲座已举办", evidence = "签到表" });
        await app.AssertFiguresMatchAsync("after the work");
        await app.DoAsync(Secretary, id, "verify", "satisfied", "居民反响很好");
        await app.AssertFiguresMatchAsync("after the rating");

        var after = await app.FiguresAsync(Secretary, $"{Alliance}&{period}");
        Assert.Equal(before.By("items", "resolved", "jointTask") + 1, after.By("items", "resolved", "jointTask"));
        Assert.Equal(before["satisfaction"]!["satisfied"]!.GetValue<long>() + 1, after["satisfaction"]!["satisfied"]!.GetValue<long>());
        Assert.NotNull(after["items"]!["medianHoursToResolve"]);
        Assert.Contains(after["lines"]!.AsArray(), l => l!.GetValue<string>().StartsWith("解决问题 ", StringComparison.Ordinal));

        // the unit that did the work: its tasks done (claim, work) and the rating, read by the unit itself
        var unitAfter = await app.FiguresAsync(Unit, $"organisation={DemoRegion.Unit(1).Value}&{period}");
        Assert.Equal(unitBefore["work"]!["tasksDone"]!.GetValue<long>() + 2, unitAfter["work"]!["tasksDone"]!.GetValue<long>());
        Assert.Equal(unitBefore["satisfaction"]!["satisfied"]!.GetValue<long>() + 1, unitAfter["satisfaction"]!["satisfied"]!.GetValue<long>());
    }

    [Fact]
    public async Task Count_an_item_closed_at_23_59_59_China_time_on_the_last_day_of_a_month_in_that_month()
    {
        var id = await JointTaskToVerifyingAsync();
        var month = ReportMonth.Of(app.Time.GetUtcNow());
        var lastSecond = ReportMonth.StartUtc(ReportMonth.Next(month)).AddSeconds(-1);
        await app.AdvanceAsync(lastSecond - app.Time.GetUtcNow().UtcDateTime);
        var this_ = $"{Alliance}&from={ReportMonth.Text(month)}&to={ReportMonth.Text(month)}";
        var next = $"{Alliance}&from={ReportMonth.Text(ReportMonth.Next(month))}&to={ReportMonth.Text(ReportMonth.Next(month))}";
        var before = await app.FiguresAsync(Secretary, this_);
        var nextBefore = await app.FiguresAsync(Secretary, next);

        await app.DoAsync(Secretary, id, "verify", "basicallySatisfied");
        Assert.Equal(lastSecond, (await app.ItemAsync(Secretary, id))["closedUtc"]!.GetValue<DateTime>());
        await app.AdvanceAsync(TimeSpan.FromSeconds(2));

        Assert.Equal(before.By("items", "resolved", "jointTask") + 1, (await app.FiguresAsync(Secretary, this_)).By("items", "resolved", "jointTask"));
        Assert.Equal(nextBefore.By("items", "resolved", "jointTask"), (await app.FiguresAsync(Secretary, next)).By("items", "resolved", "jointTask"));
        await app.AssertFiguresMatchAsync("after the month's last second");
    }

    [Fact]
    public async Task Follow_a_meeting_held_with_its_attendance_and_resolution()
    {
        var period = $"from={Month()}&to={Month(2)}";
        var before = await app.FiguresAsync(Secretary, $"{Alliance}&{period}");
        var item = await app.SubmitAsync(Secretary, app.Item("deliberation", days: null, title: "统计用议题"));
        await app.DoAsync(Secretary, item, "intake", "accept");
        await app.DoAsync(Secretary, item, "scope", "stay");
        foreach (var member in ItemsKit.CommunityMembers)
        {
            await app.DoAsync(member, item, "opinions", "agree", fields: new { opinion = "同意" });
        }

        await app.SettleAtMeetingAsync(item, new { outcome = "resolved", resolution = "同意实施" });
        await app.ItemReachesAsync(item, "resolved", Secretary);
        await app.AssertFiguresMatchAsync("after the meeting");
        var after = await app.FiguresAsync(Secretary, $"{Alliance}&{period}");
        Assert.Equal(before.By("meetings", "held", "adHoc") + before.By("meetings", "held", "regular") + 1,
            after.By("meetings", "held", "adHoc") + after.By("meetings", "held", "regular"));
        Assert.True(after["meetings"]!["seats"]!.GetValue<long>() > before["meetings"]!["seats"]!.GetValue<long>());
        Assert.True(after["meetings"]!["resolutions"]!.GetValue<long>() > before["meetings"]!["resolutions"]!.GetValue<long>());
        Assert.NotNull(after["meetings"]!["attendanceRate"]);
    }

    [Fact]
    public async Task Follow_a_shared_room_its_use_and_a_confirmed_commitment()
    {
        var period = $"from={Month()}&to={Month(1)}";
        var own = $"organisation={DemoRegion.Unit(1).Value}&{period}";
        var before = await app.FiguresAsync(Unit, own);

        var room = await app.RoomAsync("统计测试活动室", requiresApproval: false);
        var (start, end) = (app.Day(2, 14), app.Day(2, 16));
        var booking = await app.BookedAsync(BookingKit.Requester, room, start, end);
        await app.PassUntilAsync(end.AddMinutes(1));
        await app.DoAsync(BookingKit.Owner, booking["itemId"]!.GetValue<Guid>(), "owner-feedback", "used", fields: new { feedback = "活动有序" });
        await app.DoAsync(BookingKit.Requester, booking["itemId"]!.GetValue<Guid>(), "requester-feedback", "satisfied", fields: new { feedback = "场地很好" });
        Assert.Equal("used", (await app.BookingAsync(BookingKit.Requester, booking["id"]!.GetValue<Guid>()))["status"]!.GetValue<string>());
        await app.ConfirmedAsync(Unit, CommitmentsKit.Commitment(app.Year(), "统计测试承诺"));
        await app.AssertFiguresMatchAsync("after the use and the commitment");

        var after = await app.FiguresAsync(Unit, own);
        Assert.Equal(before.By("sharing", "resourcesShared", "venue") + 1, after.By("sharing", "resourcesShared", "venue"));
        Assert.Equal(before.By("sharing", "bookingsUsed", "venue") + 1, after.By("sharing", "bookingsUsed", "venue"));
        Assert.Equal(before["sharing"]!["hoursOfUse"]!.GetValue<double>() + 2, after["sharing"]!["hoursOfUse"]!.GetValue<double>());
        Assert.Equal(before["commitments"]!["made"]!.GetValue<long>() + 1, after["commitments"]!["made"]!.GetValue<long>());
    }

    [Fact]
    public async Task Keep_every_value_when_their_deltas_are_folded()
    {
        var id = await JointTaskToVerifyingAsync();
        await app.DoAsync(Secretary, id, "verify", "satisfied");
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var kept = await FigureRebuild.KeptAsync(db, CancellationToken.None);
        var rows = await db.Set<FigureDelta>().CountAsync();

        var folded = await scope.ServiceProvider.GetRequiredService<FigureCompaction>().RunAsync(CancellationToken.None);

        Assert.True(folded > 0, "nothing to fold after a whole joint task");
        Assert.Equal(kept.OrderBy(k => k.Key.ToString()), (await FigureRebuild.KeptAsync(db, CancellationToken.None)).OrderBy(k => k.Key.ToString()));
        var keys = await db.Set<FigureDelta>().GroupBy(d => new { d.AllianceId, d.OrganisationId, d.Month, d.Metric, d.Dimension }).CountAsync();
        Assert.Equal(keys, await db.Set<FigureDelta>().CountAsync());
        Assert.True(keys < rows);
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<FigureCompaction>().RunAsync(CancellationToken.None));
        await app.AssertFiguresMatchAsync("after folding");
    }

    [Fact]
    public async Task Are_read_only_in_scope()
    {
        // a unit reads its own figures, never another unit's (404) nor a whole alliance's (403)
        await app.FiguresAsync(Unit, $"organisation={DemoRegion.Unit(1).Value}");
        using (var other = await app.SendAsync(Unit, HttpMethod.Get, $"/api/reports/figures?organisation={DemoRegion.Unit(13).Value}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        using (var alliance = await app.SendAsync(Unit, HttpMethod.Get, $"/api/reports/figures?{Alliance}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, alliance.StatusCode);
            var refused = await alliance.ProblemAsync();
            Assert.Equal("reports.not-overseer", refused["code"]!.GetValue<string>());
            Assert.Contains("共建单位只能查看本单位的数据", refused["detail"]!.GetValue<string>());
        }

        // a community reads its alliance, not another street's; its default is its own alliances
        using (var street2 = await app.SendAsync(Secretary, HttpMethod.Get, $"/api/reports/figures?alliance={DemoRegion.StreetAlliance(2).Value}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, street2.StatusCode);
        }

        var own = await app.FiguresAsync(Secretary, "");
        Assert.Contains(own["alliances"]!.AsArray(), a => a!.GetValue<Guid>() == DemoRegion.CommunityAlliance(1).Value);

        // the district reads everything; a bad month is a 400 naming the field
        var all = await app.FiguresAsync(DemoUsers.DistrictAdmin, "from=2026-01&to=2026-12");
        Assert.Null(all["alliances"]);
        using var bad = await app.SendAsync(DemoUsers.DistrictAdmin, HttpMethod.Get, "/api/reports/figures?from=2026-13");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("from", (await bad.ProblemAsync())["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public void Give_the_time_to_resolve_within_its_bucket()
    {
        var buckets = new Breakdown(4, new Dictionary<string, long> { ["24"] = 2, ["48"] = 2 });
        Assert.Equal(24, Figures.Percentile(buckets, 0.5));
        Assert.Equal(43.2, Figures.Percentile(buckets, 0.9));
        Assert.Null(Figures.Percentile(new Breakdown(0, new Dictionary<string, long>()), 0.5));
        Assert.Equal(202612, ReportMonth.Of(new DateTime(2026, 12, 31, 15, 59, 59, DateTimeKind.Utc)));
        Assert.Equal(202701, ReportMonth.Of(new DateTime(2026, 12, 31, 16, 0, 0, DateTimeKind.Utc)));
    }
}
