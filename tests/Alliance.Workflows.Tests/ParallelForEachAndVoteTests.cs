using System.Text.Json.Nodes;
using Alliance.Workflows.Activities;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Tests.Support;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

public sealed class ParallelForEachAndVoteTests
{
    private static WorkflowDefinition Opinions() => Flow("opinions", """
        { "id": "start", "type": "Start" },
        { "id": "ask", "type": "ParallelForEach", "items": "vars.units", "window": "P7D", "resultVariable": "opinions",
          "task": { "title": { "zh-CN": "提出意见", "en": "Give your opinion" }, "role": "contact", "outcomes": ["agree", "object"] } },
        { "id": "all", "type": "SetStatus", "status": "all-answered" },
        { "id": "some", "type": "SetStatus", "status": "window-closed" }
        """, Links("start->ask", "ask->all", "ask:expired->some"),
        extra: """ "inputs": [ { "name": "units", "type": "array" } ], """);

    private static JsonObject Units() => new() { ["units"] = new JsonArray("u-1", "u-2", "u-3") };

    [Fact]
    public async Task ParallelForEach_gives_each_member_a_task_and_continues_when_all_responded()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Opinions(), Units());
        var tasks = (await harness.BookmarksAsync(id)).Where(b => b.Kind == BookmarkKind.HumanTask).ToList();

        foreach (var unit in new[] { "u-1", "u-2", "u-3" })
        {
            var task = await harness.TaskAsync(id, "ask", unit);
            await harness.Runtime.CompleteAsync(task.Id, RuntimeHarness.Person($"p-{unit}", "contact", unit), unit == "u-2" ? "object" : "agree");
        }

        Assert.Equal(["u-1", "u-2", "u-3"], tasks.Select(t => t.CandidateOrganisation).Order());
        var instance = await harness.InstanceAsync(id);
        Assert.Equal("all-answered", instance.BusinessStatus);
        Assert.Equal("object", instance.Variables["opinions"]!["responses"]!["u-2"]!["outcome"]!.GetValue<string>());
        Assert.Empty(instance.Variables["opinions"]!["missing"]!.AsArray());
    }

    [Fact]
    public async Task ParallelForEach_stops_collecting_when_the_window_closes()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Opinions(), Units());
        var task = await harness.TaskAsync(id, "ask", "u-1");
        await harness.Runtime.CompleteAsync(task.Id, RuntimeHarness.Person("p1", "contact", "u-1"), "agree");

        await harness.AdvanceAsync(TimeSpan.FromDays(7));

        var instance = await harness.InstanceAsync(id);
        Assert.Equal("window-closed", instance.BusinessStatus);
        Assert.Equal(["u-2", "u-3"], instance.Variables["opinions"]!["missing"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Empty(await harness.BookmarksAsync(id));
    }

    private static WorkflowDefinition Ballot(string threshold, string extra = "") => Flow("vote", $$"""
        { "id": "start", "type": "Start" },
        { "id": "vote", "type": "Vote", "voters": "['v1','v2','v3','v4','v5']", "threshold": "{{threshold}}", "deadline": "P1D", "resultVariable": "tally" {{extra}} },
        { "id": "passed", "type": "SetStatus", "status": "passed" },
        { "id": "failed", "type": "SetStatus", "status": "failed" },
        { "id": "noQuorum", "type": "SetStatus", "status": "noQuorum" }
        """, Links("start->vote", "vote:passed->passed", "vote:failed->failed", "vote:noQuorum->noQuorum"));

    private static async Task<string?> VoteAsync(RuntimeHarness harness, WorkflowDefinition definition, params VoteChoice[] ballots)
    {
        var id = await harness.StartAsync(definition);
        var vote = (await harness.BookmarksAsync(id)).Single(b => b.Kind == BookmarkKind.Vote);
        for (var i = 0; i < ballots.Length; i++)
        {
            await harness.Runtime.CastVoteAsync(vote.Id, RuntimeHarness.Person($"v{i + 1}"), ballots[i]);
        }

        if (ballots.Length < 5)
        {
            await harness.AdvanceAsync(TimeSpan.FromDays(1));
        }

        return (await harness.InstanceAsync(id)).BusinessStatus;
    }

    private const VoteChoice Y = VoteChoice.Yes;
    private const VoteChoice N = VoteChoice.No;
    private const VoteChoice A = VoteChoice.Abstain;

    [Theory]
    [InlineData("simpleMajority", new[] { Y, Y, Y, N, N }, "passed")]
    [InlineData("simpleMajority", new[] { Y, Y, N, N, A }, "failed")]
    [InlineData("simpleMajority", new[] { Y, Y }, "noQuorum")]
    [InlineData("simpleMajority", new[] { Y, Y, N }, "passed")]
    [InlineData("twoThirds", new[] { Y, Y, Y, Y, N }, "passed")]
    [InlineData("twoThirds", new[] { Y, Y, Y, N, N }, "failed")]
    [InlineData("unanimous", new[] { Y, Y, Y, Y, Y }, "passed")]
    [InlineData("unanimous", new[] { Y, Y, Y, Y, N }, "failed")]
    public async Task A_vote_applies_quorum_and_threshold(string threshold, VoteChoice[] ballots, string expected)
    {
        Assert.Equal(expected, await VoteAsync(new RuntimeHarness(), Ballot(threshold), ballots));
    }

    [Fact]
    public async Task The_live_tally_counts_ballots_as_they_come()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Ballot("simpleMajority"));
        var vote = (await harness.BookmarksAsync(id)).Single(b => b.Kind == BookmarkKind.Vote);

        await harness.Runtime.CastVoteAsync(vote.Id, RuntimeHarness.Person("v1"), Y);
        await harness.Runtime.CastVoteAsync(vote.Id, RuntimeHarness.Person("v2"), A);
        await harness.Runtime.CastVoteAsync(vote.Id, RuntimeHarness.Person("v3"), Y);
        var tally = await harness.Runtime.GetTallyAsync(vote.Id);

        Assert.Equal(new VoteTally(vote.Id, 5, 2, 0, 1, 2, true, Outcomes.Passed), tally);
    }

    [Fact]
    public async Task Ineligible_double_and_forbidden_abstain_votes_are_refused()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Ballot("simpleMajority", ", \"allowAbstain\": false"));
        var vote = (await harness.BookmarksAsync(id)).Single(b => b.Kind == BookmarkKind.Vote);
        await harness.Runtime.CastVoteAsync(vote.Id, RuntimeHarness.Person("v1"), Y);

        var stranger = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.CastVoteAsync(vote.Id, RuntimeHarness.Person("x"), Y));
        var twice = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.CastVoteAsync(vote.Id, RuntimeHarness.Person("v1"), N));
        var abstain = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.CastVoteAsync(vote.Id, RuntimeHarness.Person("v2"), A));

        Assert.Equal(ConflictCode.NotEligible, stranger.Code);
        Assert.Equal(ConflictCode.AlreadyVoted, twice.Code);
        Assert.Equal(ConflictCode.AbstainNotAllowed, abstain.Code);
    }
}
