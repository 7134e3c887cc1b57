using System.Text.Json.Nodes;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Tests.Support;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

/// <summary>
/// A StartChild with forEach and wait: one child per element, and the parent goes on when the last of them has
/// finished (completed or cancelled), with each child's end in its result variable, in the order of the elements.
/// </summary>
public sealed class ChildGroupTests(StoreFixture stores) : IClassFixture<StoreFixture>
{
    public static IEnumerable<object[]> Stores => TestProfile.StoreKinds.Select(k => new object[] { k });

    private static readonly Actor Ops = RuntimeHarness.Person("ops", "operator");

    private static WorkflowDefinition UnitTask() => Flow("unit-task", """
        { "id": "start", "type": "Start" },
        { "id": "working", "type": "SetStatus", "status": "working" },
        { "id": "work", "type": "HumanTask", "title": { "zh-CN": "办理", "en": "Do it" }, "candidates": { "role": "unit", "organisation": "vars.unit" },
          "outcomes": ["done"], "resultVariable": "work" },
        { "id": "closed", "type": "SetStatus", "status": "closed" },
        { "id": "end", "type": "End" }
        """, Links("start->working", "working->work", "work:done->closed", "closed->end"), extra: """ "inputs": [ { "name": "unit", "type": "string" } ], """);

    private static WorkflowDefinition Instant() => Flow("instant", """
        { "id": "start", "type": "Start" }, { "id": "set", "type": "SetVariable", "variable": "seen", "value": "vars.unit" }, { "id": "end", "type": "End" }
        """, Links("start->set", "set->end"), extra: """ "inputs": [ { "name": "unit", "type": "string" } ], """);

    private static WorkflowDefinition Parent(string child = "unit-task", string units = "['u-1', 'u-2']") => Flow("parent-" + child, $$"""
        { "id": "start", "type": "Start" },
        { "id": "spawn", "type": "StartChild", "workflow": "{{child}}", "forEach": "{{units}}", "input": "({ unit: item })", "wait": true, "resultVariable": "tasks" },
        { "id": "outcome", "type": "SetVariable", "variable": "ended", "value": "vars.tasks.map(t => t.item + ':' + t.status).join(',')" },
        { "id": "end", "type": "End" }
        """, Links("start->spawn", "spawn->outcome", "outcome->end"));

    private static async Task<IReadOnlyList<InstanceId>> ChildrenAsync(RuntimeHarness harness, InstanceId parent) =>
        [.. (await harness.BookmarksAsync(parent)).Where(b => b.Kind == BookmarkKind.Child).Select(b => new InstanceId(Guid.Parse(b.CorrelationKey!)))];

    private static async Task FinishWorkAsync(RuntimeHarness harness, InstanceId child, string unit) =>
        await harness.Runtime.CompleteAsync((await harness.TaskAsync(child, "work")).Id, RuntimeHarness.Person("w-" + unit, "unit", unit), "done");

    [Fact]
    public async Task A_start_child_for_each_waits_for_every_child()
    {
        var harness = new RuntimeHarness(definitions: UnitTask());
        var id = await harness.StartAsync(Parent());
        var children = await ChildrenAsync(harness, id);

        await FinishWorkAsync(harness, children[0], "u-1");
        var afterOne = await harness.InstanceAsync(id);
        await FinishWorkAsync(harness, children[1], "u-2");

        Assert.Equal(2, children.Count);
        Assert.Equal(InstanceStatus.Waiting, afterOne.Status);
        Assert.Null(afterOne.Variables["tasks"]);
        var group = Assert.Single(afterOne.State.ChildGroups);
        Assert.Equal([true, false], group.Children.Select(c => c.Finished is not null));
        var done = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal("u-1:Completed,u-2:Completed", done.Variables["ended"]!.GetValue<string>());
        var first = done.Variables["tasks"]![0]!;
        Assert.Equal((children[0].ToString(), "closed", "done"),
            (first["instanceId"]!.GetValue<string>(), first["businessStatus"]!.GetValue<string>(), first["variables"]!["work"]!["outcome"]!.GetValue<string>()));
        Assert.Empty(done.State.ChildGroups);
    }

    [Fact]
    public async Task The_results_follow_the_order_of_the_elements_not_the_order_the_children_finished_in()
    {
        var harness = new RuntimeHarness(definitions: UnitTask());
        var id = await harness.StartAsync(Parent(units: "['u-1', 'u-2', 'u-3']"));
        var children = await ChildrenAsync(harness, id);

        await FinishWorkAsync(harness, children[2], "u-3");
        await FinishWorkAsync(harness, children[0], "u-1");
        await FinishWorkAsync(harness, children[1], "u-2");

        Assert.Equal("u-1:Completed,u-2:Completed,u-3:Completed", (await harness.InstanceAsync(id)).Variables["ended"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cancelled_child_counts_as_finished_and_its_result_says_it_was_cancelled()
    {
        var harness = new RuntimeHarness(definitions: UnitTask());
        var id = await harness.StartAsync(Parent());
        var children = await ChildrenAsync(harness, id);

        await harness.Runtime.CancelAsync(children[1], Ops, "unit unable");
        var afterCancel = await harness.InstanceAsync(id);
        await FinishWorkAsync(harness, children[0], "u-1");

        Assert.Equal(InstanceStatus.Waiting, afterCancel.Status);
        var done = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal("u-1:Completed,u-2:Cancelled", done.Variables["ended"]!.GetValue<string>());
        Assert.Equal("working", done.Variables["tasks"]![1]!["businessStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task Children_that_finish_in_the_commit_that_started_them_let_the_parent_go_on()
    {
        var harness = new RuntimeHarness(definitions: Instant());

        var id = await harness.StartAsync(Parent("instant"));

        var done = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal("u-1:Completed,u-2:Completed", done.Variables["ended"]!.GetValue<string>());
        Assert.Equal("u-2", done.Variables["tasks"]![1]!["variables"]!["seen"]!.GetValue<string>());
        Assert.Empty(await harness.Store.ListPendingAsync(deadLetters: false));
    }

    [Fact]
    public async Task With_no_elements_it_goes_on_at_once_with_an_empty_result()
    {
        var harness = new RuntimeHarness(definitions: UnitTask());

        var id = await harness.StartAsync(Parent(units: "[]"));

        var done = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Empty(done.Variables["tasks"]!.AsArray());
    }

    [Fact]
    public async Task Cancelling_the_parent_cancels_every_child_still_running()
    {
        var harness = new RuntimeHarness(definitions: UnitTask());
        var id = await harness.StartAsync(Parent(units: "['u-1', 'u-2', 'u-3']"));
        var children = await ChildrenAsync(harness, id);
        await FinishWorkAsync(harness, children[0], "u-1");

        await harness.Runtime.CancelAsync(id, Ops);

        Assert.Equal(InstanceStatus.Cancelled, (await harness.InstanceAsync(id)).Status);
        Assert.Equal(
            [InstanceStatus.Completed, InstanceStatus.Cancelled, InstanceStatus.Cancelled],
            await Task.WhenAll(children.Select(async c => (await harness.InstanceAsync(c)).Status)));
        Assert.Empty((await harness.InstanceAsync(id)).State.ChildGroups);
        Assert.Empty(await harness.Store.ListPendingAsync(deadLetters: false));
    }

    [Fact]
    public async Task A_migration_that_would_orphan_an_open_group_of_children_is_refused()
    {
        var harness = new RuntimeHarness(definitions: UnitTask());
        var id = await harness.StartAsync(Parent());
        harness.Registry.TryAdd(Flow("parent-unit-task", """
            { "id": "start", "type": "Start" },
            { "id": "each", "type": "StartChild", "workflow": "unit-task", "forEach": "['u-1']", "input": "({ unit: item })", "wait": true },
            { "id": "end", "type": "End" }
            """, Links("start->each", "each->end"), version: 2));

        var refused = await harness.Runtime.MigrateAsync(id, 2);
        var moved = await harness.Runtime.MigrateAsync(id, 2, new Dictionary<string, string> { ["spawn"] = "each", ["outcome"] = "end" });

        Assert.False(refused.Migrated);
        Assert.Contains(refused.Reasons, r => r.Contains("open group of children at 'spawn'", StringComparison.Ordinal));
        Assert.True(moved.Migrated, string.Join("; ", moved.Reasons));
        var instance = await harness.InstanceAsync(id);
        Assert.Equal("each", Assert.Single(instance.State.ChildGroups).ActivityId);
        foreach (var (child, unit) in (await ChildrenAsync(harness, id)).Zip(["u-1", "u-2"]))
        {
            await FinishWorkAsync(harness, child, unit);
        }

        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(id)).Status);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_group_of_children_survives_a_restart_between_children_finishing(StoreKind kind)
    {
        var harness = new RuntimeHarness(stores.CreateStore(kind), null, UnitTask());
        var id = await harness.StartAsync(Parent(units: "['u-1', 'u-2', 'u-3']"));
        var children = await ChildrenAsync(harness, id);

        harness.Restart();
        await FinishWorkAsync(harness, children[1], "u-2");
        harness.Restart();
        await harness.Runtime.CancelAsync(children[0], Ops);
        harness.Restart();
        var waiting = await harness.InstanceAsync(id);
        await FinishWorkAsync(harness, children[2], "u-3");

        Assert.Equal(InstanceStatus.Waiting, waiting.Status);
        var group = Assert.Single(waiting.State.ChildGroups);
        Assert.Equal([children[0], children[1], children[2]], group.Children.Select(c => c.InstanceId));
        Assert.Equal(["Cancelled", "Completed", null], group.Children.Select(c => c.Finished?.GetProperty("status").GetString()));
        var done = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal("u-1:Cancelled,u-2:Completed,u-3:Completed", done.Variables["ended"]!.GetValue<string>());
        Assert.Single(await harness.Runtime.GetJournalAsync(id), j => j.ActivityId == "spawn" && j.Outcome == "done");
    }
}
