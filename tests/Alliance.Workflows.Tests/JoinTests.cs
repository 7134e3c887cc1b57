using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Tests.Support;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

/// <summary>Conformance of the join semantics written down in docs/adr/0002-join-semantics.md.</summary>
public sealed class JoinTests
{
    private static WorkflowDefinition ThreeBranches(string join) => Flow("join", $$"""
        { "id": "start", "type": "Start" },
        { "id": "fork", "type": "Fork", "branches": ["a", "b", "c"] },
        { "id": "wa", "type": "WaitForMessage", "messageType": "A", "correlation": "'k'" },
        { "id": "wb", "type": "WaitForMessage", "messageType": "B", "correlation": "'k'" },
        { "id": "wc", "type": "WaitForMessage", "messageType": "C", "correlation": "'k'" },
        { "id": "join", "type": "Join", "fork": "fork", {{join}} },
        { "id": "after", "type": "SetVariable", "variable": "joined", "value": "(vars.joined || 0) + 1" },
        { "id": "late", "type": "SetStatus", "status": "late" },
        { "id": "end", "type": "End" }
        """, Links("start->fork", "fork:a->wa", "fork:b->wb", "fork:c->wc", "wa->join", "wb->join", "wc->join", "join->after", "after->end", "join:timeout->late", "late->end"));

    [Fact]
    public async Task Joining_all_waits_for_every_branch()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(ThreeBranches("\"mode\": \"all\""));

        await harness.SendAsync("A", "k");
        await harness.SendAsync("B", "k");
        var afterTwo = await harness.InstanceAsync(id);
        await harness.SendAsync("C", "k");

        Assert.Equal(InstanceStatus.Waiting, afterTwo.Status);
        var done = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal(1, done.Variables["joined"]!.GetValue<double>());
    }

    [Fact]
    public async Task Joining_any_continues_on_the_first_branch_and_cancels_the_others()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(ThreeBranches("\"mode\": \"any\""));

        await harness.SendAsync("B", "k");

        var done = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal(1, done.Variables["joined"]!.GetValue<double>());
        Assert.Empty(await harness.BookmarksAsync(id));
        Assert.Equal(Runtime.DeliveryStatus.Queued, (await harness.SendAsync("A", "k")).Status);
    }

    [Fact]
    public async Task Joining_k_of_n_continues_once_k_branches_arrived()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(ThreeBranches("\"mode\": \"quorum\", \"quorum\": 2"));

        await harness.SendAsync("C", "k");
        var afterOne = await harness.InstanceAsync(id);
        await harness.SendAsync("A", "k");

        Assert.Equal(InstanceStatus.Waiting, afterOne.Status);
        var done = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal(1, done.Variables["joined"]!.GetValue<double>());
        Assert.Empty(await harness.BookmarksAsync(id));
    }

    [Fact]
    public async Task A_join_deadline_counted_from_the_fork_takes_the_timeout_port()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(ThreeBranches("\"mode\": \"all\", \"deadline\": \"PT1H\""));

        await harness.SendAsync("A", "k");
        await harness.AdvanceAsync(TimeSpan.FromMinutes(59));
        var before = await harness.InstanceAsync(id);
        await harness.AdvanceAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(InstanceStatus.Waiting, before.Status);
        var done = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal("late", done.BusinessStatus);
        Assert.Null(done.Variables["joined"]);
        Assert.Empty(await harness.BookmarksAsync(id));
    }

    [Fact]
    public async Task A_join_that_completes_before_its_deadline_cancels_the_deadline()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(ThreeBranches("\"mode\": \"any\", \"deadline\": \"PT1H\""));

        await harness.SendAsync("A", "k");
        await harness.AdvanceAsync(TimeSpan.FromHours(2));

        var done = await harness.InstanceAsync(id);
        Assert.Null(done.BusinessStatus);
        Assert.Empty(harness.Scheduler.Armed);
    }

    [Fact]
    public async Task A_cancelled_branch_is_no_longer_waited_for_by_join_all()
    {
        var definition = Flow("cancel-branch", """
            { "id": "start", "type": "Start" },
            { "id": "fork", "type": "Fork", "branches": ["a", "b"] },
            { "id": "wa", "type": "WaitForMessage", "messageType": "A", "correlation": "'k'" },
            { "id": "check", "type": "Decision", "condition": "false" },
            { "id": "drop", "type": "Cancel", "target": "branch" },
            { "id": "join", "type": "Join", "fork": "fork", "mode": "all" },
            { "id": "end", "type": "End" }
            """, Links("start->fork", "fork:a->wa", "fork:b->check", "check:true->join", "check:false->drop", "wa->join", "join->end"));
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(definition);

        var waiting = await harness.InstanceAsync(id);
        await harness.SendAsync("A", "k");

        Assert.Equal(InstanceStatus.Waiting, waiting.Status);
        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(id)).Status);
    }

    [Fact]
    public async Task Cancelling_another_activity_removes_its_wait_and_releases_the_join()
    {
        var definition = Flow("cancel-activity", """
            { "id": "start", "type": "Start" },
            { "id": "fork", "type": "Fork", "branches": ["a", "b"] },
            { "id": "wa", "type": "WaitForMessage", "messageType": "A", "correlation": "'k'" },
            { "id": "wb", "type": "WaitForMessage", "messageType": "B", "correlation": "'k'" },
            { "id": "stopA", "type": "Cancel", "target": "wa" },
            { "id": "join", "type": "Join", "fork": "fork" },
            { "id": "end", "type": "End" }
            """, Links("start->fork", "fork:a->wa", "fork:b->wb", "wb->stopA", "stopA->join", "wa->join", "join->end"));
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(definition);

        await harness.SendAsync("B", "k");

        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(id)).Status);
        Assert.Empty(await harness.BookmarksAsync(id));
    }
}
