using System.Net;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Bulletins;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Assessments;

/// <summary>Each street alliance sets the weights of its criteria in its rules of procedure (#18): five weights summing to 100, kept with each assessment computed.</summary>
public sealed class Assessment_weights(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task Weights_that_do_not_sum_to_100_are_refused_and_the_alliances_own_weights_score_its_assessment()
    {
        var rules = $"/api/alliances/{BulletinsKit.StreetOneAlliance}/rules";
        var (read, current) = await app.SendAsync(DemoUsers.DistrictAdmin, HttpMethod.Get, rules);
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal(100, new[] { "weightTimeliness", "weightSatisfaction", "weightCommitments", "weightSharing", "weightAttendance" }.Sum(w => current![w]!.GetValue<int>()));

        current!["weightTimeliness"] = 20; // the five now sum to 90
        var (status, problem) = await app.SendAsync(DemoUsers.DistrictAdmin, HttpMethod.Put, rules, current);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("合计 100", problem!["errors"]!["weightTimeliness"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        current["weightTimeliness"] = 60;
        current["weightSatisfaction"] = 40;
        current["weightCommitments"] = 0;
        current["weightSharing"] = 0;
        current["weightAttendance"] = 0;
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(DemoUsers.DistrictAdmin, HttpMethod.Put, rules, current)).Status);

        var (computed, view) = await app.SendAsync(DemoUsers.StreetChair, HttpMethod.Post, "/api/assessments", new { alliance = BulletinsKit.StreetOneAlliance, year = 2020 });
        Assert.Equal(HttpStatusCode.Created, computed);
        Assert.Equal(60, view!["weights"]!["timeliness"]!.GetValue<int>());
        Assert.Equal(0, view["weights"]!["sharing"]!.GetValue<int>());
        Assert.All(view["scores"]!.AsArray(), s => Assert.Equal(0, s!["criteria"]!.AsArray().Single(c => c!["criterion"]!.GetValue<string>() == "sharing")!["points"]!.GetValue<double>()));
    }
}
