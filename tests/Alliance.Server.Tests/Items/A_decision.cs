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
}
