using System.Net;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Tests.Bulletins;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using static Alliance.Server.Tests.Notifications.NotificationsKit;

namespace Alliance.Server.Tests.Assessments;

/// <summary>
/// 年度考核 (#18): the street's chair computes a year's scores of its communities and units, publishes them; each
/// organisation reads its own score and the ledger entries behind every point, never another's, and may object once
/// within the window (after it: 409); the chair rules, submits once every objection is ruled on; the district approves.
/// Each test takes its own year: one assessment per street alliance and year.
/// </summary>
public sealed class The_year_end_assessment(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Chair = DemoUsers.StreetChair;
    private const string Unit = DemoUsers.UnitContact;
    private static readonly Guid UnitOne = DemoRegion.Unit(1).Value;

    private async Task<JsonObject> ComputeAsync(int year)
    {
        var (status, view) = await app.SendAsync(Chair, HttpMethod.Post, "/api/assessments", new { alliance = BulletinsKit.StreetOneAlliance, year });
        Assert.True(status == HttpStatusCode.Created, $"{status}: {view}");
        return view!;
    }

    private static string Id(JsonObject view) => view["assessment"]!["id"]!.GetValue<string>();

    private static JsonObject ScoreOf(JsonObject view, Guid organisation) =>
        view["scores"]!.AsArray().Single(s => s!["organisationId"]!.GetValue<Guid>() == organisation)!.AsObject();

    [Fact]
    public async Task The_chair_computes_a_draft_that_only_the_street_and_the_district_read()
    {
        var view = await ComputeAsync(2024);
        var path = $"/api/assessments/{Id(view)}";
        Assert.Equal("draft", view["assessment"]!["status"]!.GetValue<string>());
        Assert.Equal("东湖街道大党工委2024年度考核", view["assessment"]!["title"]!.GetValue<string>());
        var scores = view["scores"]!.AsArray();
        Assert.Equal(3, scores.Count(s => s!["kind"]!.GetValue<string>() == "community"));
        Assert.Contains(scores, s => s!["organisationId"]!.GetValue<Guid>() == UnitOne);
        Assert.DoesNotContain(scores, s => s!["organisationId"]!.GetValue<Guid>() == DemoRegion.Unit(13).Value); // another street's unit
        Assert.Equal(30, view["weights"]!["timeliness"]!.GetValue<int>());
        Assert.Contains(view["lines"]!.AsArray(), l => l!.GetValue<string>().StartsWith("承诺共建事项 ", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(DemoUsers.DistrictAdmin, HttpMethod.Get, path)).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(DemoUsers.StreetStaff, HttpMethod.Get, path)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(Unit, HttpMethod.Get, path)).Status); // a draft: not yet for the scored
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(DemoUsers.OtherStreetChair, HttpMethod.Get, path)).Status);

        var (status, problem) = await app.SendAsync(Chair, HttpMethod.Post, "/api/assessments", new { alliance = BulletinsKit.StreetOneAlliance, year = 2024 });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("assessment.exists", problem!["code"]!.GetValue<string>());
        (status, problem) = await app.SendAsync(DemoUsers.StreetStaff, HttpMethod.Post, "/api/assessments", new { alliance = BulletinsKit.StreetOneAlliance, year = 2021 });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("assessment.not-chair", problem!["code"]!.GetValue<string>());
        (status, problem) = await app.SendAsync(Chair, HttpMethod.Post, "/api/assessments", new { alliance = BulletinsKit.StreetOneAlliance, year = 2027 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["year"]);
        (status, problem) = await app.SendAsync(Chair, HttpMethod.Post, "/api/assessments", new { alliance = DemoRegion.CommunityAlliance(1).Value, year = 2021 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["alliance"]);
    }

    [Fact]
    public async Task A_unit_reads_its_own_published_score_and_never_another_units()
    {
        var id = Id(await ComputeAsync(2025));
        var path = $"/api/assessments/{id}";
        var (published, view) = await app.SendAsync(Chair, HttpMethod.Post, $"{path}/publish");
        Assert.Equal(HttpStatusCode.OK, published);
        Assert.Equal("published", view!["assessment"]!["status"]!.GetValue<string>());

        var (status, own) = await app.SendAsync(Unit, HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(UnitOne, Assert.Single(own!["scores"]!.AsArray())!["organisationId"]!.GetValue<Guid>());
        Assert.Empty(own["lines"]!.AsArray()); // the street's figures are not a unit's to read
        Assert.True(own["assessment"]!["can"]!["object"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(Unit, HttpMethod.Get, $"{path}/scores/{UnitOne}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(Unit, HttpMethod.Get, $"{path}/scores/{DemoRegion.Unit(2).Value}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(Chair, HttpMethod.Get, $"{path}/scores/{DemoRegion.Unit(2).Value}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(DemoUsers.OtherUnitContact, HttpMethod.Get, path)).Status);

        // an objection on another unit's behalf is refused as not found, like reading its score
        var (objected, _) = await app.SendAsync(Unit, HttpMethod.Post, $"{path}/objections", new { organisation = DemoRegion.Unit(2).Value, reason = "替别人提" });
        Assert.Equal(HttpStatusCode.NotFound, objected);

        var told = await NotificationAboutAsync(app, DemoRegion.Person(Unit), NotificationTopics.AssessmentPublished, Guid.Parse(id));
        Assert.Equal("年度考核已发布：东湖街道大党工委2025年度考核", told.TitleZh);
    }

    [Fact]
    public async Task Every_point_links_to_the_ledger_entries_behind_it_and_an_objection_after_the_window_gets_409()
    {
        // unit 1 does a joint task this year, rated 满意
        var item = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.JointTask());
        await app.DoAsync(Unit, item, "claim", "accept", "我们来办");
        await app.DoAsync(Unit, item, "work", "done", fields: new { report = "讲座已举办", evidence = "签到表" });
        await app.DoAsync(DemoUsers.CommunitySecretary, item, "verify", "satisfied", "居民反响很好");

        var view = await ComputeAsync(2026);
        var score = ScoreOf(view, UnitOne);
        var satisfaction = score["criteria"]!.AsArray().Single(c => c!["criterion"]!.GetValue<string>() == "satisfaction")!;
        Assert.True(satisfaction["rate"]!.GetValue<double>() > 0);
        Assert.True(satisfaction["points"]!.GetValue<double>() > 0);
        var evidence = satisfaction["evidence"]!.AsArray().Single()!;
        var (read, ledger) = await app.SendAsync(Unit, HttpMethod.Get, evidence["api"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Contains(ledger!["rows"]!.AsArray(), r => r!.ToJsonString().Contains(item.ToString(), StringComparison.Ordinal));
        Assert.StartsWith("/ledger?section=items&organisation=", evidence["href"]!.GetValue<string>(), StringComparison.Ordinal);

        var path = $"/api/assessments/{Id(view)}";
        var (status, problem) = await app.SendAsync(Unit, HttpMethod.Post, $"{path}/objections", new { organisation = UnitOne, reason = "尚未发布" });
        Assert.Equal(HttpStatusCode.NotFound, status); // a draft is not the unit's to see, nor to object to
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(Chair, HttpMethod.Post, $"{path}/publish")).Status);
        (status, problem) = await app.SendAsync(Chair, HttpMethod.Post, $"{path}/recompute");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("assessment.status", problem!["code"]!.GetValue<string>());

        var (raised, objection) = await app.SendAsync(Unit, HttpMethod.Post, $"{path}/objections",
            new { organisation = UnitOne, criterion = "sharing", reason = "我单位全年开放会议室 20 次，台账漏记。" });
        Assert.Equal(HttpStatusCode.Created, raised);
        (status, problem) = await app.SendAsync(Unit, HttpMethod.Post, $"{path}/objections", new { organisation = UnitOne, reason = "再提一次" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("assessment.objection-exists", problem!["code"]!.GetValue<string>());
        var objectionTold = await NotificationAboutAsync(app, DemoRegion.Person(Chair), NotificationTopics.AssessmentObjection, Guid.Parse(Id(view)));
        Assert.StartsWith("考核异议：", objectionTold.TitleZh, StringComparison.Ordinal);
        Assert.Contains("资源共享", objectionTold.BodyZh, StringComparison.Ordinal);

        // the window is the street alliance's rule (7 days): a day after it, the hospital's objection is refused
        (status, problem) = await app.SendAsync(Chair, HttpMethod.Post, $"{path}/submit");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("assessment.window-open", problem!["code"]!.GetValue<string>());
        app.Time.Advance(TimeSpan.FromDays(8));
        (status, problem) = await app.SendAsync(DemoUsers.HospitalContact, HttpMethod.Post, $"{path}/objections", new { organisation = DemoRegion.Unit(2).Value, reason = "迟到的异议" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("assessment.objection-closed", problem!["code"]!.GetValue<string>());
        Assert.Contains("异议期已于", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // submitting waits for the ruling; the chair upholds it with 5 points
        (status, problem) = await app.SendAsync(Chair, HttpMethod.Post, $"{path}/submit");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("assessment.objections-open", problem!["code"]!.GetValue<string>());
        var computed = score["computed"]!.GetValue<double>();
        var ruling = $"{path}/objections/{objection!["id"]!.GetValue<string>()}/ruling";
        (status, problem) = await app.SendAsync(DemoUsers.StreetStaff, HttpMethod.Post, ruling, new { upheld = true, adjustment = 5, ruling = "核实属实" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        var (ruled, decided) = await app.SendAsync(Chair, HttpMethod.Post, ruling, new { upheld = true, adjustment = 5, ruling = "经核实，会议室开放台账漏记，加 5 分。" });
        Assert.Equal(HttpStatusCode.OK, ruled);
        Assert.Equal("upheld", decided!["status"]!.GetValue<string>());
        (status, problem) = await app.SendAsync(Chair, HttpMethod.Post, ruling, new { upheld = false, ruling = "改判" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("assessment.objection-ruled", problem!["code"]!.GetValue<string>());
        var rulingTold = await NotificationAboutAsync(app, DemoRegion.Person(Unit), NotificationTopics.AssessmentRuling, Guid.Parse(Id(view)));
        Assert.Contains("已获支持，加 5 分", rulingTold.BodyZh, StringComparison.Ordinal);
        var (_, mine) = await app.SendAsync(Unit, HttpMethod.Get, $"{path}/scores/{UnitOne}");
        Assert.Equal(Math.Min(100, Math.Round(computed + 5, 1)), mine!["total"]!.GetValue<double>());
        Assert.Equal(5, mine["adjustment"]!.GetValue<double>());

        // submitted, then only the district decides
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(Chair, HttpMethod.Post, $"{path}/submit")).Status);
        (status, problem) = await app.SendAsync(Chair, HttpMethod.Post, $"{path}/approve", new { note = "自己审定" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("assessment.not-district", problem!["code"]!.GetValue<string>());
        var (approved, final) = await app.SendAsync(DemoUsers.DistrictAdmin, HttpMethod.Post, $"{path}/approve", new { note = "同意" });
        Assert.Equal(HttpStatusCode.OK, approved);
        Assert.Equal("approved", final!["assessment"]!["status"]!.GetValue<string>());
        (status, problem) = await app.SendAsync(DemoUsers.DistrictAdmin, HttpMethod.Post, $"{path}/return", new { note = "再议" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("assessment.status", problem!["code"]!.GetValue<string>());
    }
}
