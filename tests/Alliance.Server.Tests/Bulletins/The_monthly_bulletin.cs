using System.Net;
using Alliance.Server.Features.Bulletins;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniExcelLibs;
using static Alliance.Server.Tests.Notifications.NotificationsKit;

namespace Alliance.Server.Tests.Bulletins;

/// <summary>
/// 逐月通报 (#18): written once per street alliance on the first working day of the next month, however often and on
/// however many nodes the job runs; reviewed and published by the street's chair (then fixed: 409); read in scope;
/// downloadable as .xlsx and .docx; the members are told when it is published.
/// </summary>
public sealed class The_monthly_bulletin(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Chair = DemoUsers.StreetChair;

    // the host's clock: Monday 2 March 2026, 09:00 China time, the first working day of March
    private const int February = 202602;

    [Fact]
    public async Task The_job_writes_last_months_bulletin_of_each_street_alliance_once_however_often_it_runs()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<BulletinJob>().RunAsync(CancellationToken.None);
        }));
        await app.JobBulletinAsync(February);

        var bulletins = await app.BulletinsAsync(February);
        Assert.Equal(new[] { DemoRegion.StreetAlliance(1).Value, DemoRegion.StreetAlliance(2).Value }.Order(), bulletins.Select(b => b.AllianceId.Value).Order());
        var one = bulletins.Single(b => b.AllianceId == DemoRegion.StreetAlliance(1));
        Assert.Equal("东湖街道大党工委2026年2月工作通报", one.Title);
        var content = BulletinOperations.Content(one);
        Assert.Equal(4, content.AllianceIds.Count); // the street's alliance and its three communities'
        Assert.Equal(3, content.Ranking.Count(r => r.Kind == "community"));
        Assert.Contains(content.Ranking, r => r.OrganisationId == DemoRegion.Unit(1));
        Assert.DoesNotContain(content.Ranking, r => r.OrganisationId == DemoRegion.Unit(13)); // another street's unit
    }

    [Fact]
    public async Task The_job_writes_nothing_before_the_first_working_day()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var sunday = new FakeTimeProvider(new DateTimeOffset(2026, 2, 28, 16, 30, 0, TimeSpan.Zero)); // 1 March 00:30 China time, a Sunday
        var job = new BulletinJob(services.GetRequiredService<AllianceDbContext>(), services.GetRequiredService<BulletinBuilder>(), services.GetRequiredService<WorkingDays>(),
            sunday, NullLogger<BulletinJob>.Instance);
        Assert.Equal(0, await job.RunAsync(CancellationToken.None));
        Assert.Empty(await app.BulletinsAsync(202601));
    }

    [Fact]
    public async Task The_street_chair_publishes_the_draft_once_and_then_it_is_fixed_and_the_members_are_told()
    {
        var bulletin = await app.JobBulletinAsync(February);
        var path = $"/api/reports/bulletins/{bulletin.Id}";

        // a draft: the street and the district read it; a member unit does not yet
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(Chair, HttpMethod.Get, path)).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(DemoUsers.DistrictAdmin, HttpMethod.Get, path)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(DemoUsers.UnitContact, HttpMethod.Get, path)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(DemoUsers.OtherStreetChair, HttpMethod.Get, path)).Status);

        // the street's staff read it, but only the chair publishes
        var (status, problem) = await app.SendAsync(DemoUsers.StreetStaff, HttpMethod.Post, $"{path}/publish", new { note = "同意" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("bulletin.not-chair", problem!["code"]!.GetValue<string>());

        (status, problem) = await app.SendAsync(Chair, HttpMethod.Post, $"{path}/publish", new { note = new string('长', 1001) });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["note"]);

        var (published, view) = await app.SendAsync(Chair, HttpMethod.Post, $"{path}/publish", new { note = "请各单位对照整改，按期办结逾期事项。" });
        Assert.Equal(HttpStatusCode.OK, published);
        Assert.Equal("published", view!["bulletin"]!["status"]!.GetValue<string>());
        Assert.Equal("请各单位对照整改，按期办结逾期事项。", view["reviewNote"]!.GetValue<string>());

        foreach (var (again, body) in new[] { ($"{path}/publish", (object)new { note = "再发" }), ($"{path}/regenerate", new { }) })
        {
            (status, problem) = await app.SendAsync(Chair, HttpMethod.Post, again, body);
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Equal("bulletin.published", problem!["code"]!.GetValue<string>());
            Assert.Contains("通报已发布", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // published: the members read it, another street's units do not; and they are told, once
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(DemoUsers.UnitContact, HttpMethod.Get, path)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(DemoUsers.OtherUnitContact, HttpMethod.Get, path)).Status);
        var told = await NotificationAboutAsync(app, DemoRegion.Person(DemoUsers.UnitContact), NotificationTopics.BulletinPublished, bulletin.Id);
        Assert.Equal("通报已发布：东湖街道大党工委2026年2月工作通报", told.TitleZh);
        await NotificationAboutAsync(app, DemoRegion.Person(DemoUsers.CommunitySecretary), NotificationTopics.BulletinPublished, bulletin.Id);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        Assert.False(await db.Set<Notification>().AnyAsync(n => n.UserId == DemoRegion.Person(DemoUsers.OtherUnitContact) && n.SubjectId == bulletin.Id));
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "bulletin.published" && e.EntityId == bulletin.Id.ToString()));
    }

    [Fact]
    public async Task The_chair_writes_a_missing_month_by_hand_and_is_refused_a_month_not_ended_a_community_alliance_or_a_second_copy()
    {
        var body = new { alliance = BulletinsKit.StreetOneAlliance, month = "2025-12" };
        var (status, view) = await app.SendAsync(Chair, HttpMethod.Post, "/api/reports/bulletins", body);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("2025-12", view!["bulletin"]!["month"]!.GetValue<string>());
        Assert.Equal("draft", view["bulletin"]!["status"]!.GetValue<string>());
        Assert.True(view["bulletin"]!["canPublish"]!.GetValue<bool>());

        var (again, problem) = await app.SendAsync(Chair, HttpMethod.Post, "/api/reports/bulletins", body);
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal("bulletin.exists", problem!["code"]!.GetValue<string>());

        (status, problem) = await app.SendAsync(Chair, HttpMethod.Post, "/api/reports/bulletins", new { alliance = BulletinsKit.StreetOneAlliance, month = "2026-03" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["month"]);
        (status, problem) = await app.SendAsync(Chair, HttpMethod.Post, "/api/reports/bulletins", new { alliance = DemoRegion.CommunityAlliance(1).Value, month = "2025-11" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["alliance"]);
        (status, _) = await app.SendAsync(DemoUsers.UnitContact, HttpMethod.Post, "/api/reports/bulletins", new { alliance = BulletinsKit.StreetOneAlliance, month = "2025-11" });
        Assert.Equal(HttpStatusCode.NotFound, status);
        (status, _) = await app.SendAsync(DemoUsers.StreetStaff, HttpMethod.Post, "/api/reports/bulletins", new { alliance = BulletinsKit.StreetOneAlliance, month = "2025-11" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task The_bulletin_opens_as_xlsx_with_its_ranking_and_as_docx_with_its_sections()
    {
        var bulletin = await app.JobBulletinAsync(February);
        var content = BulletinOperations.Content(bulletin);

        var xlsx = await app.DownloadAsync(Chair, $"/api/reports/bulletins/{bulletin.Id}/bulletin.xlsx");
        using (var stream = new MemoryStream(xlsx))
        {
            Assert.Equal(["概况", "排名", "逾期事项"], stream.GetSheetNames());
            var ranking = stream.Query(sheetName: "排名").Cast<IDictionary<string, object>>().ToList();
            Assert.Equal(["名次", "名称", "类别", "等级"], ranking[0].Values.Take(4).Select(v => v?.ToString()));
            Assert.Equal(content.Ranking.Count, ranking.Count - 1);
            Assert.Equal(content.Ranking.Select(r => r.Name), ranking.Skip(1).Select(r => r.Values.ElementAt(1)?.ToString()));
            Assert.All(ranking.Skip(1), r => Assert.Contains(r.Values.ElementAt(3)?.ToString(), new[] { "红", "黄", "绿" }));
            var overview = stream.Query(sheetName: "概况").Cast<IDictionary<string, object>>().ToList();
            Assert.Contains(overview, r => r.Values.ElementAt(1)?.ToString() == bulletin.Title);
        }

        var docx = await app.DownloadAsync(Chair, $"/api/reports/bulletins/{bulletin.Id}/bulletin.docx");
        using var document = WordprocessingDocument.Open(new MemoryStream(docx), false);
        var text = document.MainDocumentPart!.Document!.Body!.InnerText;
        Assert.StartsWith(bulletin.Title, text, StringComparison.Ordinal);
        Assert.Contains("一、总体情况", text, StringComparison.Ordinal);
        Assert.Contains("二、红黄绿排名", text, StringComparison.Ordinal);
        Assert.Contains("三、逾期事项", text, StringComparison.Ordinal);
        Assert.Contains(content.Ranking[0].Name, text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(DemoUsers.OtherUnitContact, HttpMethod.Get, $"/api/reports/bulletins/{bulletin.Id}/bulletin.docx")).Status);
    }

    [Fact]
    public async Task A_person_lists_only_the_bulletins_they_may_read()
    {
        await app.JobBulletinAsync(February);
        var (status, _) = await app.SendAsync(Chair, HttpMethod.Get, "/api/reports/bulletins");
        Assert.Equal(HttpStatusCode.OK, status);
        using var client = await app.ClientForAsync(Chair);
        var mine = (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<List<BulletinSummary>>(client, "/api/reports/bulletins", BulletinJob.Json))!;
        Assert.Contains(mine, b => b.AllianceId == DemoRegion.StreetAlliance(1) && b.Month == ReportMonth.Text(February));
        Assert.DoesNotContain(mine, b => b.AllianceId == DemoRegion.StreetAlliance(2));
        using var other = await app.ClientForAsync(DemoUsers.OtherUnitContact);
        var theirs = (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<List<BulletinSummary>>(other, "/api/reports/bulletins", BulletinJob.Json))!;
        Assert.DoesNotContain(theirs, b => b.AllianceId == DemoRegion.StreetAlliance(1));
        Assert.DoesNotContain(theirs, b => b.Status == MonthlyBulletin.Draft);
    }
}
