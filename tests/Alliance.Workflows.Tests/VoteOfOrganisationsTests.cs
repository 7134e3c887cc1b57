using System.Text.Json.Nodes;
using Alliance.Workflows.Activities;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Tests.Support;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

/// <summary>
/// A Vote whose voters are organisations (each votes once, through a ballot task offered to a role in it) and whose
/// quorum and pass threshold are exact shares given by expressions, e.g. from the alliance's rules of procedure.
/// </summary>
public sealed class VoteOfOrganisationsTests
{
    private static WorkflowDefinition Ballot(string extra = "") => Flow("org-vote", $$"""
        { "id": "start", "type": "Start" },
        { "id": "vote", "type": "Vote", "organisations": "vars.members",
          "ballot": { "title": { "zh-CN": "书面表决", "en": "Written vote" }, "role": "contact",
                      "fields": [ { "name": "opinion", "type": "text", "maxLength": 200 } ] },
          "quorumShare": "vars.quorum", "passShare": "vars.pass", "deadline": "vars.window", "resultVariable": "tally" {{extra}} },
        { "id": "passed", "type": "SetStatus", "status": "passed" },
        { "id": "failed", "type": "SetStatus", "status": "failed" },
        { "id": "noQuorum", "type": "SetStatus", "status": "noQuorum" }
        """, Links("start->vote", "vote:passed->passed", "vote:failed->failed", "vote:noQuorum->noQuorum"),
        extra: """ "inputs": [ { "name": "members", "type": "array" }, { "name": "quorum", "type": "object" }, { "name": "pass", "type": "string" }, { "name": "window", "type": "string" } ], """);

    private static readonly string[] Members = ["u-1", "u-2", "u-3", "u-4", "u-5"];

    private static JsonObject Rules(string pass = ">1/2") => new()
    {
        ["members"] = new JsonArray([.. Members.Select(m => JsonValue.Create(m))]),
        ["quorum"] = new JsonObject { ["inclusive"] = false, ["num"] = 1, ["den"] = 2 },
        ["pass"] = pass,
        ["window"] = "P7D",
    };

    private static Actor Contact(string unit, string who = "p") => RuntimeHarness.Person($"{who}-{unit}", "contact", unit);

    private static async Task<string?> VoteAsync(RuntimeHarness harness, string pass, params string[] choices)
    {
        var id = await harness.StartAsync(Ballot(), Rules(pass));
        for (var i = 0; i < choices.Length; i++)
        {
            var task = await harness.TaskAsync(id, "vote", Members[i]);
            await harness.Runtime.CompleteAsync(task.Id, Contact(Members[i]), choices[i]);
        }

        if (choices.Length < Members.Length)
        {
            await harness.AdvanceAsync(TimeSpan.FromDays(7));
        }

        return (await harness.InstanceAsync(id)).BusinessStatus;
    }

    [Fact]
    public async Task Each_organisation_gets_one_ballot_task_for_the_role_with_the_choices_and_the_vote_deadline()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Ballot(), Rules());

        var bookmarks = await harness.BookmarksAsync(id);
        var tasks = bookmarks.Where(b => b.Kind == BookmarkKind.HumanTask).ToList();
        var vote = bookmarks.Single(b => b.Kind == BookmarkKind.Vote);

        Assert.Equal(Members, tasks.Select(t => t.CandidateOrganisation).Order());
        Assert.All(tasks, t =>
        {
            Assert.Equal("contact", t.CandidateRole);
            Assert.Equal(["yes", "no", "abstain"], t.AllowedOutcomes);
            Assert.Equal("opinion", Assert.Single(t.Fields).Name);
            Assert.Equal(harness.Time.GetUtcNow().UtcDateTime.AddDays(7), t.DeadlineUtc);
            Assert.Equal(vote.Id, t.RelatedBookmarkId);
        });
        Assert.Equal(Members, vote.EligibleVoters);
    }

    [Theory]
    [InlineData(">1/2", new[] { "yes", "yes", "yes", "no", "no" }, "passed")]
    [InlineData(">1/2", new[] { "yes", "yes", "no", "abstain", "abstain" }, "failed")]
    [InlineData(">=2/3", new[] { "yes", "yes", "yes", "no", "no" }, "failed")]
    [InlineData(">=2/3", new[] { "yes", "yes", "yes", "yes", "no" }, "passed")]
    [InlineData(">1/2", new[] { "yes", "yes" }, "noQuorum")]
    [InlineData(">1/2", new[] { "yes", "no", "yes" }, "passed")]
    public async Task Quorum_and_threshold_come_from_the_share_expressions(string pass, string[] choices, string expected)
    {
        Assert.Equal(expected, await VoteAsync(new RuntimeHarness(), pass, choices));
    }

    [Fact]
    public async Task The_vote_closes_as_soon_as_every_organisation_voted_and_records_who_cast_each_ballot()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Ballot(), Rules());
        var vote = (await harness.BookmarksAsync(id)).Single(b => b.Kind == BookmarkKind.Vote);
        foreach (var unit in Members)
        {
            var task = await harness.TaskAsync(id, "vote", unit);
            await harness.Runtime.CompleteAsync(task.Id, Contact(unit), "yes", fields: new JsonObject { ["opinion"] = "同意" });
        }

        var instance = await harness.InstanceAsync(id);
        Assert.Equal("passed", instance.BusinessStatus);
        Assert.Empty(await harness.BookmarksAsync(id));
        Assert.Empty(instance.State.Votes);
        Assert.Equal(5, instance.Variables["tally"]!["yes"]!.GetValue<int>());
        var journal = await harness.Runtime.GetJournalAsync(id);
        Assert.Contains(journal, j => j.ActivityId == "vote" && j.Actor == "p-u-3" && j.Detail == "u-3: Yes");
        Assert.Null(await harness.Runtime.GetTallyAsync(vote.Id));
    }

    [Fact]
    public async Task The_live_tally_counts_organisations_with_the_shares_the_vote_opened_with()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Ballot(), Rules(">=2/3"));
        var vote = (await harness.BookmarksAsync(id)).Single(b => b.Kind == BookmarkKind.Vote);
        foreach (var (unit, choice) in new[] { ("u-1", "yes"), ("u-2", "abstain"), ("u-3", "yes") })
        {
            await harness.Runtime.CompleteAsync((await harness.TaskAsync(id, "vote", unit)).Id, Contact(unit), choice);
        }

        Assert.Equal(new VoteTally(vote.Id, 5, 2, 0, 1, 2, true, Outcomes.Passed), await harness.Runtime.GetTallyAsync(vote.Id));
        await harness.Runtime.CompleteAsync((await harness.TaskAsync(id, "vote", "u-4")).Id, Contact("u-4"), "no");
        Assert.Equal(new VoteTally(vote.Id, 5, 2, 1, 1, 1, true, Outcomes.Failed), await harness.Runtime.GetTallyAsync(vote.Id));
    }

    [Fact]
    public async Task The_vote_announces_its_tally_when_it_opens_after_each_ballot_and_when_it_closes()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Ballot(), Rules());
        foreach (var (unit, choice) in new[] { ("u-1", "yes"), ("u-2", "no"), ("u-3", "abstain") })
        {
            await harness.Runtime.CompleteAsync((await harness.TaskAsync(id, "vote", unit)).Id, Contact(unit), choice);
        }

        await harness.AdvanceAsync(TimeSpan.FromDays(7));

        var tallies = (await harness.Store.GetUndispatchedAsync(100))
            .Where(o => o.MessageType == Vote.TalliedMessage && o.InstanceId == id).OrderBy(o => o.CreatedUtc)
            .Select(o => JsonNode.Parse(o.PayloadJson)!).ToList();
        Assert.Equal([0, 1, 2, 3, 3], tallies.Select(t => t["cast"]!.GetValue<int>()));
        Assert.Equal([true, true, true, true, false], tallies.Select(t => t["open"]!.GetValue<bool>()));
        Assert.Equal([false, false, false, true, true], tallies.Select(t => t["quorumReached"]!.GetValue<bool>()));
        Assert.All(tallies, t => Assert.Equal(5, t["eligible"]!.GetValue<int>()));
        var last = tallies[^1];
        Assert.Equal((1, 1, 1, "failed"), (last["yes"]!.GetValue<int>(), last["no"]!.GetValue<int>(), last["abstain"]!.GetValue<int>(), last["outcome"]!.GetValue<string>()));
        Assert.Equal("vote", last["activityId"]!.GetValue<string>());
    }

    [Fact]
    public async Task At_the_deadline_the_ballots_not_cast_are_closed()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Ballot(), Rules());
        await harness.Runtime.CompleteAsync((await harness.TaskAsync(id, "vote", "u-1")).Id, Contact("u-1"), "yes");

        await harness.AdvanceAsync(TimeSpan.FromDays(7));

        var instance = await harness.InstanceAsync(id);
        Assert.Equal("noQuorum", instance.BusinessStatus);
        Assert.Empty(await harness.BookmarksAsync(id));
        Assert.Equal(4, instance.Variables["tally"]!["notVoted"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_organisation_votes_once_only_through_its_ballot_and_only_with_the_offered_choices()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Ballot(", \"allowAbstain\": false"), Rules());
        var vote = (await harness.BookmarksAsync(id)).Single(b => b.Kind == BookmarkKind.Vote);
        var ballot = await harness.TaskAsync(id, "vote", "u-1");
        await harness.Runtime.CompleteAsync(ballot.Id, Contact("u-1"), "yes");

        var again = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.CompleteAsync(ballot.Id, Contact("u-1", "q"), "no"));
        var stranger = await Assert.ThrowsAsync<WorkflowConflictException>(async () =>
            await harness.Runtime.CompleteAsync((await harness.TaskAsync(id, "vote", "u-2")).Id, Contact("u-9"), "yes"));
        var abstain = await Assert.ThrowsAsync<WorkflowConflictException>(async () =>
            await harness.Runtime.CompleteAsync((await harness.TaskAsync(id, "vote", "u-2")).Id, Contact("u-2"), "abstain"));
        var direct = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.CastVoteAsync(vote.Id, Contact("u-3"), VoteChoice.Yes));

        Assert.Equal(ConflictCode.TaskClosed, again.Code);
        Assert.Equal(ConflictCode.NotCandidate, stranger.Code);
        Assert.Equal(ConflictCode.OutcomeNotAllowed, abstain.Code);
        Assert.Equal(ConflictCode.NotEligible, direct.Code);
        Assert.Single((await harness.BookmarksAsync(id)).Single(b => b.Kind == BookmarkKind.Vote).Ballots);
    }

    [Fact]
    public async Task A_share_that_is_not_an_exact_share_faults_the_vote()
    {
        var harness = new RuntimeHarness();
        var rules = Rules("0.5");

        var id = await harness.StartAsync(Ballot(), rules);

        var instance = await harness.InstanceAsync(id);
        Assert.Contains(instance.State.Faulted, f => f.ActivityId == "vote");
        Assert.DoesNotContain(await harness.BookmarksAsync(id), b => b.Kind == BookmarkKind.HumanTask);
    }

    [Theory]
    [InlineData("""{ "id": "vote", "type": "Vote" }""", "$.activities[1].voters | missing-property | a Vote needs exactly one of 'voters' (people) and 'organisations'")]
    [InlineData("""{ "id": "vote", "type": "Vote", "voters": "['a']", "organisations": "['o']", "ballot": { "title": { "zh-CN": "票", "en": "Vote" }, "role": "r" } }""",
        "$.activities[1].voters | missing-property | a Vote needs exactly one of 'voters' (people) and 'organisations'")]
    [InlineData("""{ "id": "vote", "type": "Vote", "organisations": "['o']" }""",
        "$.activities[1].ballot | missing-property | a Vote of 'organisations' needs 'ballot' with the role that votes for each organisation")]
    [InlineData("""{ "id": "vote", "type": "Vote", "organisations": "['o']", "ballot": { "title": { "zh-CN": "票", "en": "Vote" }, "role": "r" }, "passShare": "vars.(" }""",
        "$.activities[1].passShare | expression-syntax | expression syntax error: Unexpected token '('")]
    public void A_vote_definition_names_its_voters_once_and_a_ballot_for_organisations(string vote, string expected)
    {
        var json = $$"""
            { "id": "v", "version": 1, "name": { "zh-CN": "测试", "en": "Test" },
              "activities": [ { "id": "start", "type": "Start" }, {{vote}}, { "id": "end", "type": "End" } ],
              "connections": [ { "from": "start", "port": "done", "to": "vote" }, { "from": "vote", "port": "passed", "to": "end" } ] }
            """;

        var (definition, errors) = DefinitionLoader.Parse(json, "v.json");

        Assert.Null(definition);
        Assert.Contains(expected, errors.Select(e => $"{e.Path} | {e.Code} | {e.Message}"));
    }
}
