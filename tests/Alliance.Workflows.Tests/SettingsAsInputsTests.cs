using System.Text.Json.Nodes;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Tests.Support;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

/// <summary>
/// Durations given as expressions (settings passed in as inputs, e.g. an alliance's rules of procedure) and tasks
/// offered to several candidate organisations at once.
/// </summary>
public sealed class SettingsAsInputsTests(StoreFixture stores) : IClassFixture<StoreFixture>
{
    public static IEnumerable<object[]> Cases =>
        from kind in TestProfile.StoreKinds
        from c in new (string Organisation, bool Found)[] { ("u-a", true), ("u-b", true), ("u-c", false), ("u", false) }
        select new object[] { kind, c.Organisation, c.Found };

    private static readonly Actor UnitA = RuntimeHarness.Person("ann", "unit", "u-a");
    private static readonly Actor UnitB = RuntimeHarness.Person("ben", "unit", "u-b");
    private static readonly Actor UnitC = RuntimeHarness.Person("cal", "unit", "u-c");

    private static WorkflowDefinition Claim() => Flow("claim", """
        { "id": "start", "type": "Start" },
        { "id": "claim", "type": "HumanTask", "title": { "zh-CN": "认领", "en": "Claim" },
          "candidates": { "role": "unit", "organisation": "vars.units" }, "outcomes": ["done"], "resultVariable": "claim",
          "deadline": "vars.window", "reminders": ["vars.reminders"] },
        { "id": "ok", "type": "SetStatus", "status": "done" },
        { "id": "late", "type": "SetStatus", "status": "late" },
        { "id": "wait", "type": "Timer", "duration": "vars.pause" },
        { "id": "end", "type": "End" }
        """, Links("start->claim", "claim:done->ok", "claim:deadline->late", "ok->wait", "late->wait", "wait->end"),
        extra: """
        "inputs": [ { "name": "units", "type": "array" }, { "name": "window", "type": "string" }, { "name": "reminders", "type": "array" }, { "name": "pause", "type": "string" } ],
        """);

    private static JsonObject Input(string window = "P3D") => new()
    {
        ["units"] = new JsonArray("u-a", "u-b"),
        ["window"] = window,
        ["reminders"] = new JsonArray("P1D", "PT2H"),
        ["pause"] = "PT1H",
    };

    [Fact]
    public async Task A_deadline_and_reminders_given_as_expressions_take_the_values_of_the_inputs()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Claim(), Input("P3D"));

        var task = await harness.TaskAsync(id, "claim");

        Assert.Equal(new DateTime(2026, 3, 5, 8, 0, 0, DateTimeKind.Utc), task.DeadlineUtc);
        var reminders = (await harness.BookmarksAsync(id)).Where(b => b.Purpose == TimerPurpose.Reminder && b.RelatedBookmarkId == task.Id).Select(b => b.DueUtc!.Value).Order();
        Assert.Equal([new DateTime(2026, 3, 4, 8, 0, 0, DateTimeKind.Utc), new DateTime(2026, 3, 5, 6, 0, 0, DateTimeKind.Utc)], reminders);
        await harness.AdvanceAsync(TimeSpan.FromDays(3));
        Assert.Equal("late", (await harness.InstanceAsync(id)).BusinessStatus);
        await harness.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(id)).Status);
    }

    [Fact]
    public async Task A_cron_schedule_and_its_time_zone_given_as_expressions_take_the_values_of_the_inputs_and_loop()
    {
        var definition = Flow("schedule", """
            { "id": "start", "type": "Start" },
            { "id": "tick", "type": "Timer", "cron": "vars.schedule", "timeZone": "vars.zone" },
            { "id": "count", "type": "SetVariable", "variable": "ticks", "value": "(vars.ticks || 0) + 1" },
            { "id": "more", "type": "Decision", "condition": "vars.ticks < 2" },
            { "id": "end", "type": "End" }
            """, Links("start->tick", "tick->count", "count->more", "more:true->tick", "more:false->end"),
            extra: """
            "inputs": [ { "name": "schedule", "type": "string" }, { "name": "zone", "type": "string" } ],
            """);
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(definition, new JsonObject { ["schedule"] = "0 0 1 1,4,7,10 *", ["zone"] = "Asia/Shanghai" });

        var first = Assert.Single(await harness.BookmarksAsync(id)).DueUtc;
        await harness.AdvanceAsync(first!.Value - harness.Time.GetUtcNow().UtcDateTime);
        var second = Assert.Single(await harness.BookmarksAsync(id)).DueUtc;
        await harness.AdvanceAsync(second!.Value - harness.Time.GetUtcNow().UtcDateTime);

        Assert.Equal(new DateTime(2026, 3, 31, 16, 0, 0, DateTimeKind.Utc), first);
        Assert.Equal(new DateTime(2026, 6, 30, 16, 0, 0, DateTimeKind.Utc), second);
        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(id)).Status);
    }

    [Fact]
    public void A_cron_that_is_neither_a_schedule_nor_an_expression_is_refused()
    {
        var (definition, errors) = DefinitionLoader.Parse($$"""
            {
              "id": "bad-cron", "version": 1, "name": { "zh-CN": "测试", "en": "Test" },
              "activities": [ { "id": "start", "type": "Start" }, { "id": "tick", "type": "Timer", "cron": "61 * * * * *" }, { "id": "end", "type": "End" } ],
              "connections": [ {{Links("start->tick", "tick->end")}} ]
            }
            """, "bad-cron.json");

        Assert.Null(definition);
        Assert.Contains(errors, e => e.Path.EndsWith(".cron", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_task_offered_to_several_organisations_is_claimed_by_the_first_of_them_only()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Claim(), Input());
        var task = await harness.TaskAsync(id, "claim");

        var outsider = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.ClaimAsync(task.Id, UnitC));
        await harness.Runtime.ClaimAsync(task.Id, UnitB);
        var second = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.ClaimAsync(task.Id, UnitA));

        Assert.Equal(ConflictCode.NotCandidate, outsider.Code);
        Assert.Equal(ConflictCode.AlreadyClaimed, second.Code);
        Assert.Equal("u-a,u-b", task.CandidateOrganisation);
        Assert.Equal("ben", (await harness.TaskAsync(id, "claim")).ClaimedBy);
        await harness.Runtime.CompleteAsync(task.Id, UnitB, "done");
        Assert.Equal("u-b", (await harness.InstanceAsync(id)).Variables["claim"]!["organisation"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Open_tasks_offered_to_several_organisations_are_found_by_each_of_them(StoreKind kind, string organisation, bool found)
    {
        var harness = new RuntimeHarness(stores.CreateStore(kind));
        var id = await harness.StartAsync(Claim(), Input());

        var tasks = await harness.Runtime.QueryHumanTasksAsync(new HumanTaskQuery(Role: "unit", OrganisationId: organisation, InstanceId: id));

        Assert.Equal(found, tasks.Count == 1);
    }

    [Fact]
    public void A_duration_that_is_neither_a_duration_nor_an_expression_is_refused_at_load()
    {
        var (definition, errors) = DefinitionLoader.Parse("""
            { "id": "bad", "version": 1, "name": { "zh-CN": "坏", "en": "Bad" },
              "activities": [ { "id": "start", "type": "Start" }, { "id": "wait", "type": "Timer", "duration": "vars.(" } ],
              "connections": [ { "from": "start", "port": "done", "to": "wait" } ] }
            """, "bad.json");

        Assert.Null(definition);
        Assert.Contains(errors, e => e.Path == "$.activities[1].duration");
    }
}
