using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Items;

/// <summary>要事共决 through HTTP: a written vote of the five member units with the alliance's quorum (&gt;1/2) and thresholds (&gt;1/2; &gt;=2/3 for 经费使用).</summary>
public sealed class A_decision(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;

    private async Task<Guid> VotingAsync(string category = "养老")
    {
        var id = await app.SubmitAsync(Secretary, app.Item("decision", category));
        await app.DoAsync(Secretary, id, "intake", "accept");
        Assert.Equal("voting", (await app.ItemAsync(Secretary, id)).Status());
        return id;
    }

    private async Task VoteAsync(Guid id, params string[] ballots)
    {
        for (var i = 0; i < ballots.Length; i++)
        {
            await app.DoAsync(ItemsKit.CommunityMembers[i], id, "ballot", ballots[i]);
        }
    }

    [Fact]
    public async Task Passed_by_a_majority_is_recorded_and_starts_a_joint_task()
    {
        var id = await VotingAsync();
        await VoteAsync(id, "yes", "yes", "yes", "no", "abstain");

        var item = await app.ItemAsync(Secretary, id);
        Assert.Equal("passed", item.Status());
        Assert.NotNull(item["closedUtc"]);
        var child = (await app.InboxAsync("huanglijuan")).OfType<System.Text.Json.Nodes.JsonObject>()
            .Where(t => t["step"]!.GetValue<string>() == "claim").Select(t => t["itemId"]!.GetValue<Guid>()).ToList();
        Assert.NotEmpty(child);
    }

    [Fact]
    public async Task Failed_without_a_majority_of_the_votes_cast()
    {
        var id = await VotingAsync();
        await VoteAsync(id, "yes", "yes", "no", "abstain", "abstain");

        Assert.Equal("failed", (await app.ItemAsync(Secretary, id)).Status());
    }

    [Fact]
    public async Task A_listed_category_needs_the_qualified_majority()
    {
        var ordinary = await VotingAsync();
        await VoteAsync(ordinary, "yes", "yes", "yes", "no", "no");
        var qualified = await VotingAsync("经费使用");
        await VoteAsync(qualified, "yes", "yes", "yes", "no", "no");

        Assert.Equal("passed", (await app.ItemAsync(Secretary, ordinary)).Status());
        Assert.Equal("failed", (await app.ItemAsync(Secretary, qualified)).Status());
    }

    [Fact]
    public async Task Without_a_quorum_the_chair_calls_a_new_vote_or_escalates()
    {
        var id = await VotingAsync();
        await VoteAsync(id, "yes", "yes");
        await app.AdvanceAsync(TimeSpan.FromDays(7).Add(TimeSpan.FromMinutes(1)));
        Assert.Equal("no-quorum", (await app.ItemAsync(Secretary, id)).Status());

        await app.DoAsync(Secretary, id, "after-no-quorum", "revote");
        Assert.Equal("voting", (await app.ItemAsync(Secretary, id)).Status());
        await app.AdvanceAsync(TimeSpan.FromDays(7).Add(TimeSpan.FromMinutes(1)));
        await app.DoAsync(Secretary, id, "after-no-quorum", "escalate", "两次表决均未达法定人数");

        var item = await app.ItemAsync(Secretary, id);
        Assert.Equal("escalated", item.Status());
        await app.TaskAsync(DemoUsers.StreetChair, id, "street");
    }

    [Fact]
    public async Task Each_member_unit_votes_once_through_its_own_ballot_task()
    {
        var id = await VotingAsync();
        var ballot = await app.TaskAsync(DemoUsers.UnitContact, id, "ballot");
        Assert.Equal(["yes", "no", "abstain"], ballot["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
        await app.CompleteAsync(DemoUsers.UnitContact, ballot["id"]!.GetValue<Guid>(), "yes", fields: new { opinion = "同意" });

        using var again = await app.PostAsync(DemoUsers.UnitSecretary, $"/api/tasks/{ballot["id"]}/complete", new { outcome = "no" });
        var inbox = await app.InboxAsync(DemoUsers.UnitSecretary);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.DoesNotContain(inbox.OfType<JsonObject>(), t => t["itemId"]!.GetValue<Guid>() == id);
        Assert.Single((await app.InboxAsync("huanglijuan")).OfType<JsonObject>(), t => t["itemId"]!.GetValue<Guid>() == id && t["step"]!.GetValue<string>() == "ballot");
        var timeline = (await app.ItemAsync(Secretary, id))["timeline"]!.AsArray();
        Assert.Contains(timeline, e => e!["type"]!.GetValue<string>() == "TaskCompleted" && e["data"]?["outcome"]?.GetValue<string>() == "yes");
    }

    [Fact]
    public async Task The_quorum_is_the_alliances_setting_when_the_vote_opens()
    {
        var alliance = DemoRegion.CommunityAlliance(1).Value;
        using var client = await app.ClientForAsync(Secretary);
        var rules = (await client.GetFromJsonAsync<JsonObject>($"/api/alliances/{alliance}/rules"))!;
        var strict = rules.DeepClone().AsObject();
        strict["quorum"] = ">=4/5";
        Guid id;
        try
        {
            using (var put = await client.PutAsJsonAsync($"/api/alliances/{alliance}/rules", strict))
            {
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            }

            id = await VotingAsync();
        }
        finally
        {
            using var restore = await client.PutAsJsonAsync($"/api/alliances/{alliance}/rules", rules);
            Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        }

        await VoteAsync(id, "yes", "yes", "yes");
        await app.AdvanceAsync(TimeSpan.FromDays(7).Add(TimeSpan.FromMinutes(1)));

        Assert.Equal("no-quorum", (await app.ItemAsync(Secretary, id)).Status());
    }
}
