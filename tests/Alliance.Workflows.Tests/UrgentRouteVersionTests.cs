using System.Text.Json.Nodes;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Tests.Support;

namespace Alliance.Workflows.Tests;

/// <summary>
/// The urgent route of <c>workflows/</c>: version 2 waits for the joint tasks it assigns; an instance still on version 1
/// (which closed as soon as it had assigned them) can be moved to version 2 without an activity map.
/// </summary>
public sealed class UrgentRouteVersionTests
{
    private static readonly Actor Chair = RuntimeHarness.Person("chair", "chair", "c-1");

    private static RuntimeHarness Harness()
    {
        var harness = new RuntimeHarness();
        var loaded = harness.Registry.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "workflows"));
        Assert.Empty(loaded.Errors);
        return harness;
    }

    private static JsonObject Input() => new()
    {
        ["itemId"] = "item-1", ["allianceId"] = "a-1", ["hostId"] = "c-1", ["streetId"] = "s-1", ["requesterId"] = "c-1",
        ["members"] = new JsonArray("u-1"), ["reminders"] = new JsonArray(), ["intakeReviewDeadline"] = "P2D", ["claimWindow"] = "P3D",
        ["verificationDeadline"] = "P3D", ["maxReworks"] = 2, ["candidateUnits"] = new JsonArray(), ["title"] = "暴雨",
        ["urgentFirstResponseLimit"] = "PT30M", ["urgentRemainingWindow"] = "PT90M", ["urgentTaskHours"] = 8,
    };

    /// <summary>An urgent instance of <paramref name="version"/> that every member answered, waiting at the chair's decision.</summary>
    private static async Task<InstanceId> AtDecisionAsync(RuntimeHarness harness, int version)
    {
        var id = await harness.Runtime.StartAsync("urgent", Input(), version: version);
        await harness.Runtime.CompleteAsync((await harness.TaskAsync(id, "first-round")).Id, RuntimeHarness.Person("m", "member", "u-1"), "support");
        await harness.TaskAsync(id, "decide");
        return id;
    }

    private static Task AssignAsync(RuntimeHarness harness, Bookmark decide) =>
        harness.Runtime.CompleteAsync(decide.Id, Chair, "assign", fields: new JsonObject { ["unitIds"] = new JsonArray("u-1", "u-2") });

    [Fact]
    public async Task Version_2_stays_tasks_assigned_while_its_joint_tasks_run_and_ends_with_how_they_ended()
    {
        var harness = Harness();
        var id = await AtDecisionAsync(harness, 2);

        await AssignAsync(harness, await harness.TaskAsync(id, "decide"));
        var waiting = await harness.InstanceAsync(id);
        var children = (await harness.BookmarksAsync(id)).Select(b => new InstanceId(Guid.Parse(b.CorrelationKey!))).ToList();
        foreach (var child in children)
        {
            await harness.Runtime.CancelAsync(child, RuntimeHarness.Person("ops", "operator"));
        }

        Assert.Equal((InstanceStatus.Waiting, "tasks-assigned"), (waiting.Status, waiting.BusinessStatus));
        Assert.Equal(2, children.Count);
        var done = await harness.InstanceAsync(id);
        Assert.Equal((InstanceStatus.Completed, "tasks-cancelled"), (done.Status, done.BusinessStatus));
        Assert.Equal(["u-1", "u-2"], done.Variables["tasks"]!.AsArray().Select(t => t!["item"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_version_1_instance_at_the_decision_moves_to_version_2_without_a_map_and_then_waits_for_its_tasks()
    {
        var harness = Harness();
        var id = await AtDecisionAsync(harness, 1);

        var migrated = await harness.Runtime.MigrateAsync(id, 2);
        await AssignAsync(harness, await harness.TaskAsync(id, "decide"));

        Assert.True(migrated.Migrated, string.Join("; ", migrated.Reasons));
        var instance = await harness.InstanceAsync(id);
        Assert.Equal((2, InstanceStatus.Waiting, "tasks-assigned"), (instance.DefinitionVersion, instance.Status, instance.BusinessStatus));
        Assert.Equal(2, Assert.Single(instance.State.ChildGroups).Children.Count);
    }

    [Fact]
    public async Task A_version_1_instance_still_closes_when_it_assigns_its_tasks()
    {
        var harness = Harness();
        var id = await AtDecisionAsync(harness, 1);

        await AssignAsync(harness, await harness.TaskAsync(id, "decide"));

        var instance = await harness.InstanceAsync(id);
        Assert.Equal((1, InstanceStatus.Completed, "tasks-assigned"), (instance.DefinitionVersion, instance.Status, instance.BusinessStatus));
    }
}
