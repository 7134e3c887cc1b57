using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using Alliance.Workflows;
using Alliance.Workflows.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Commitments;

/// <summary>
/// Progress reports from the alliance's recurring schedule (quarterly by default) as the fake clock moves through the
/// year: report tasks, reminders, a missing report flagged overdue and escalated (督办), progress against the target,
/// and the year-end assessment with each outcome.
/// </summary>
public sealed class Commitment_progress_reports(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;
    private const string Hall = DemoUsers.UnitContact;
    private const string Hospital = "huanglijuan";
    private const string Power = DemoUsers.SeveralRoles;

    [Fact]
    public async Task Quarterly_reports_fire_from_the_schedule_count_against_the_target_and_the_year_ends_in_an_assessment_of_each_outcome()
    {
        var year = app.Year();
        Assert.Equal(2026, year);
        var (hall, hallItem) = await app.ConfirmedAsync(Hall, CommitmentsKit.Commitment(year, target: 24));
        var (clinic, clinicItem) = await app.ConfirmedAsync(Hospital, CommitmentsKit.Commitment(year, title: "志愿义诊进社区", target: 4, unit: "场"));
        var (safety, safetyItem) = await app.ConfirmedAsync(Power, CommitmentsKit.Commitment(year, title: "安全用电宣传", target: 8, unit: "场"));
        DateTime[] quarters = [CommitmentsKit.Local(2026, 4, 1), CommitmentsKit.Local(2026, 7, 1), CommitmentsKit.Local(2026, 10, 1), CommitmentsKit.Local(2027, 1, 1)];

        for (var q = 0; q < quarters.Length; q++)
        {
            await app.AdvanceToAsync(quarters[q] - TimeSpan.FromMinutes(3));
            Assert.DoesNotContain(await app.InboxAsync(Hall), t => t!["itemId"]!.GetValue<Guid>() == hallItem && t["step"]!.GetValue<string>() == "report");

            await app.AdvanceToAsync(quarters[q]);
            var task = await app.TaskAsync(Hall, hallItem, "report");
            // due the report window (15 days) after the period closed, i.e. after the timer fired (here the clock's step past it)
            Assert.InRange(task["deadlineUtc"]!.GetValue<DateTime>(), quarters[q] + TimeSpan.FromDays(15), quarters[q] + TimeSpan.FromDays(15) + TimeSpan.FromMinutes(1));
            await app.CompleteAsync(Hall, task["id"]!.GetValue<Guid>(), "report", fields: new { quantity = 6, note = $"第{q + 1}季度开放6次", evidence = "签到表" });
            await app.DoAsync(Hospital, clinicItem, "report", "report", fields: new { quantity = q < 2 ? 1 : 0, note = "义诊" });
            await app.DoAsync(Power, safetyItem, "report", "report", fields: new { quantity = 0, note = "尚未开展" });

            var progress = await app.CommitmentAsync(Hall, hall);
            Assert.Equal(6m * (q + 1), progress["doneQuantity"]!.GetValue<decimal>());
            Assert.Equal(Math.Round(6m * (q + 1) * 100 / 24, 1), progress["progressPercent"]!.GetValue<decimal>());
            Assert.Equal(q + 1, progress["periods"]!.AsArray().Count);
        }

        var periods = (await app.CommitmentAsync(Hall, hall))["periods"]!.AsArray();
        Assert.All(periods, p => Assert.Equal("reported", p!["state"]!.GetValue<string>()));
        Assert.Equal(CommitmentsKit.StartOfYear(2026), periods[0]!["fromUtc"]!.GetValue<DateTime>());
        Assert.Equal(4, await app.EventCountAsync(hallItem, "ProgressReported"));

        // no fifth period in the year: the next task is the alliance's assessment once the last report was due
        await app.AdvanceToAsync(quarters[3] + TimeSpan.FromDays(15));
        Assert.Equal("assessing", (await app.CommitmentAsync(Hall, hall))["status"]!.GetValue<string>());
        var assess = await app.TaskAsync(Secretary, hallItem, "assess");
        using (var noEvidence = await app.PostAsync(Secretary, $"/api/tasks/{assess["id"]}/complete", new { outcome = "fulfilled" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noEvidence.StatusCode);
        }

        await app.CompleteAsync(Secretary, assess["id"]!.GetValue<Guid>(), "fulfilled", fields: new { evidence = "全年开放24次，签到表及照片" });
        await app.DoAsync(Secretary, clinicItem, "assess", "partlyFulfilled", fields: new { evidence = "全年义诊2场" });
        await app.DoAsync(Secretary, safetyItem, "assess", "notFulfilled", fields: new { evidence = "全年未开展" });

        var fulfilled = await app.CommitmentAsync(Hall, hall);
        Assert.Equal("fulfilled", fulfilled["status"]!.GetValue<string>());
        Assert.Equal("fulfilled", fulfilled["assessment"]!.GetValue<string>());
        Assert.Equal("全年开放24次，签到表及照片", fulfilled["assessmentEvidence"]!.GetValue<string>());
        Assert.Equal(100m, fulfilled["progressPercent"]!.GetValue<decimal>());
        Assert.Equal("partly-fulfilled", (await app.CommitmentAsync(Hospital, clinic))["status"]!.GetValue<string>());
        Assert.Equal(2m, (await app.CommitmentAsync(Hospital, clinic))["doneQuantity"]!.GetValue<decimal>());
        Assert.Equal("not-fulfilled", (await app.CommitmentAsync(Power, safety))["status"]!.GetValue<string>());

        using var district = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var figures = (await district.GetFromJsonAsync<JsonObject>($"/api/commitments/figures?alliance={DemoRegion.CommunityAlliance(1).Value}&year=2026"))!;
        Assert.Equal(3, figures["commitments"]!.GetValue<int>());
        Assert.Equal(1, figures["fulfilled"]!.GetValue<int>());
        Assert.Equal(1, figures["partlyFulfilled"]!.GetValue<int>());
        Assert.Equal(1, figures["notFulfilled"]!.GetValue<int>());
        using var secretary = await app.ClientForAsync(Secretary);
        var ledger = (await secretary.GetFromJsonAsync<JsonArray>($"/api/ledger?alliance={DemoRegion.CommunityAlliance(1).Value}"))!;
        Assert.Contains(ledger, e => e!["id"]!.GetValue<Guid>() == hallItem && e["status"]!.GetValue<string>() == "fulfilled" && e["kind"]!.GetValue<string>() == "commitment");
    }
}
