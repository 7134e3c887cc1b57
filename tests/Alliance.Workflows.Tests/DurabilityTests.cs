using System.Text.Json.Nodes;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Scheduling;
using Alliance.Workflows.Tests.Support;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

/// <summary>Persistence and concurrency, on every store: in memory, SQLite, and PostgreSQL (see <see cref="TestProfile"/>).</summary>
public sealed class DurabilityTests(StoreFixture stores) : IClassFixture<StoreFixture>
{
    public static IEnumerable<object[]> Stores => TestProfile.StoreKinds.Select(k => new object[] { k });

    private RuntimeHarness Harness(StoreKind kind, params WorkflowDefinition[] definitions) => new(stores.CreateStore(kind), null, definitions);

    private static WorkflowDefinition Review(int version = 1, string taskId = "review") => Flow("review", $$"""
        { "id": "start", "type": "Start" },
        { "id": "{{taskId}}", "type": "HumanTask", "title": { "zh-CN": "审核", "en": "Review" }, "candidates": { "role": "secretary" }, "outcomes": ["approve"] },
        { "id": "end", "type": "End" }
        """, Links($"start->{taskId}", $"{taskId}:approve->end"), version);

    private static WorkflowDefinition Ping() => Flow("ping", """
        { "id": "start", "type": "Start" },
        { "id": "wait", "type": "WaitForMessage", "messageType": "Ping", "correlation": "vars.key" },
        { "id": "count", "type": "SetVariable", "variable": "count", "value": "(vars.count || 0) + 1" }
        """, Links("start->wait", "wait->count", "count->wait"), extra: """ "inputs": [ { "name": "key", "type": "string" } ], """);

    private static WorkflowDefinition Go() => Flow("go", """
        { "id": "start", "type": "Start" },
        { "id": "wait", "type": "WaitForMessage", "messageType": "Go", "correlation": "vars.key", "resultVariable": "got" },
        { "id": "count", "type": "SetVariable", "variable": "count", "value": "(vars.count || 0) + 1" },
        { "id": "end", "type": "End" }
        """, Links("start->wait", "wait->count", "count->end"), extra: """ "inputs": [ { "name": "key", "type": "string" } ], """);

    private static readonly Actor Secretary = RuntimeHarness.Person("s", "secretary");

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Persist_reload_resume(StoreKind kind)
    {
        var harness = Harness(kind);
        var id = await harness.StartAsync(Review());
        var task = await harness.TaskAsync(id, "review");

        harness.Restart();
        await harness.Runtime.CompleteAsync(task.Id, Secretary, "approve");

        var instance = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(2, instance.Version);
        Assert.Equal(["start:done", "review:waiting", "review:approve", "end:completed"], (await harness.Runtime.GetJournalAsync(id)).Select(j => $"{j.ActivityId}:{j.Outcome}"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_hundred_parallel_stimuli_for_one_bookmark_resume_it_exactly_once(StoreKind kind)
    {
        var harness = Harness(kind);
        var id = await harness.StartAsync(Go(), new JsonObject { ["key"] = "k" });
        var second = new WorkflowRuntime(harness.Registry, harness.Store, new InMemoryWorkflowScheduler(harness.Time), harness.Time, RuntimeHarness.TestOptions);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(() =>
            (i % 2 == 0 ? harness.Runtime : second).DeliverAsync(new Stimulus(new StimulusId($"go-{i}"), "Go", "k", new JsonObject { ["i"] = i })))));

        Assert.Equal(1, results.Count(r => r.Status == DeliveryStatus.Applied));
        Assert.Equal(99, results.Count(r => r.Status == DeliveryStatus.Queued));
        var instance = await harness.InstanceAsync(id);
        Assert.Equal(1, instance.Variables["count"]!.GetValue<double>());
        Assert.Single(await harness.Runtime.GetJournalAsync(id), j => j.ActivityId == "wait" && j.Outcome == "done");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_hundred_parallel_completions_of_one_task_have_one_winner(StoreKind kind)
    {
        var harness = Harness(kind);
        var id = await harness.StartAsync(Review());
        var task = await harness.TaskAsync(id, "review");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            try
            {
                await harness.Runtime.CompleteAsync(task.Id, RuntimeHarness.Person($"s{i}", "secretary"), "approve");
                return "won";
            }
            catch (WorkflowConflictException ex)
            {
                return ex.Code.ToString();
            }
        })));

        Assert.Equal(1, outcomes.Count(o => o == "won"));
        Assert.All(outcomes.Where(o => o != "won"), o => Assert.Contains(o, new[] { nameof(ConflictCode.TaskClosed), nameof(ConflictCode.InstanceClosed) }));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_hundred_parallel_stimuli_for_a_hundred_bookmarks_are_all_applied(StoreKind kind)
    {
        var collect = Flow("collect", """
            { "id": "start", "type": "Start" },
            { "id": "ask", "type": "ParallelForEach", "items": "Array.from({ length: 100 }, (_, i) => 'u' + i)", "resultVariable": "answers",
              "task": { "title": { "zh-CN": "回复", "en": "Reply" }, "role": "contact", "outcomes": ["ok"] } },
            { "id": "end", "type": "End" }
            """, Links("start->ask", "ask->end"));
        var harness = Harness(kind);
        var id = await harness.StartAsync(collect);
        var tasks = (await harness.BookmarksAsync(id)).Where(b => b.Kind == BookmarkKind.HumanTask).ToList();
        var second = new WorkflowRuntime(harness.Registry, harness.Store, new InMemoryWorkflowScheduler(harness.Time), harness.Time, RuntimeHarness.TestOptions with { MaxConcurrencyRetries = 500 });
        var first = new WorkflowRuntime(harness.Registry, harness.Store, new InMemoryWorkflowScheduler(harness.Time), harness.Time, RuntimeHarness.TestOptions with { MaxConcurrencyRetries = 500 });

        await Task.WhenAll(tasks.Select((t, i) => Task.Run(() =>
            (i % 2 == 0 ? first : second).CompleteAsync(t.Id, RuntimeHarness.Person($"p{i}", "contact", t.Item), "ok"))));

        Assert.Equal(100, tasks.Count);
        var instance = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(100, instance.Variables["answers"]!["responses"]!.AsObject().Count);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_duplicate_stimulus_has_no_second_effect(StoreKind kind)
    {
        var harness = Harness(kind);
        var id = await harness.StartAsync(Ping(), new JsonObject { ["key"] = "k" });

        var first = await harness.SendAsync("Ping", "k", stimulusId: "ping-1");
        var again = await harness.SendAsync("Ping", "k", stimulusId: "ping-1");
        var other = await harness.SendAsync("Ping", "k", stimulusId: "ping-2");

        Assert.Equal(DeliveryStatus.Applied, first.Status);
        Assert.Equal(DeliveryStatus.Duplicate, again.Status);
        Assert.Equal(DeliveryStatus.Applied, other.Status);
        Assert.Equal(2, (await harness.InstanceAsync(id)).Variables["count"]!.GetValue<double>());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_early_stimulus_is_queued_then_applied_when_its_bookmark_commits(StoreKind kind)
    {
        var harness = Harness(kind);

        var early = await harness.SendAsync("Go", "item-7", new JsonObject { ["by"] = "unit-3" }, "early-1");
        var id = await harness.StartAsync(Go(), new JsonObject { ["key"] = "item-7" });

        Assert.Equal(DeliveryStatus.Queued, early.Status);
        var instance = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal("unit-3", instance.Variables["got"]!["by"]!.GetValue<string>());
        Assert.Empty(await harness.Store.ListPendingAsync(deadLetters: false));
        Assert.Equal(DeliveryStatus.Duplicate, (await harness.SendAsync("Go", "item-7", stimulusId: "early-1")).Status);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Stimuli_racing_the_commit_of_their_bookmarks_are_each_applied_once_and_none_is_left_queued(StoreKind kind)
    {
        // Each stimulus is sent while its instance starts, so it lands before, during or after the commit of the bookmark
        // it needs: applied at once, or queued and then found by the bookmark's commit or by the sender's second look.
        var harness = Harness(kind, Go());
        var keys = Enumerable.Range(0, 60).Select(i => $"race-{i}").ToList();

        var runs = keys.Select(key => (
            Start: Task.Run(() => harness.Runtime.StartAsync("go", new JsonObject { ["key"] = key })),
            Send: Task.Run(() => harness.SendAsync("Go", key, new JsonObject { ["by"] = key }, $"stimulus-{key}")))).ToList();
        await Task.WhenAll(runs.SelectMany(r => new Task[] { r.Start, r.Send }));

        foreach (var (key, run) in keys.Zip(runs))
        {
            var instance = await harness.InstanceAsync(await run.Start);
            Assert.Equal(InstanceStatus.Completed, instance.Status);
            Assert.Equal(1, instance.Variables["count"]!.GetValue<double>());
            Assert.Equal(key, instance.Variables["got"]!["by"]!.GetValue<string>());
        }

        Assert.Empty(await harness.Store.ListPendingAsync(deadLetters: false));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_expired_early_stimulus_becomes_a_dead_letter_that_an_operator_can_replay(StoreKind kind)
    {
        var harness = Harness(kind);
        await harness.SendAsync("Go", "item-8", stimulusId: "lost-1");

        harness.Time.Advance(TimeSpan.FromDays(2));
        var swept = await harness.Runtime.SweepExpiredStimuliAsync();
        var id = await harness.StartAsync(Go(), new JsonObject { ["key"] = "item-8" });
        var stillWaiting = (await harness.InstanceAsync(id)).Status;
        var replay = await harness.Runtime.ReplayDeadLetterAsync("lost-1");

        Assert.Equal(1, swept);
        Assert.Equal(InstanceStatus.Waiting, stillWaiting);
        Assert.Equal(DeliveryStatus.Applied, replay.Status);
        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(id)).Status);
        Assert.Empty(await harness.Runtime.ListDeadLettersAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Timers_are_rearmed_after_a_restart_and_past_due_ones_fire_at_once(StoreKind kind)
    {
        var timers = Flow("timers", """
            { "id": "start", "type": "Start" }, { "id": "wait", "type": "Timer", "duration": "PT1H" }, { "id": "end", "type": "End" }
            """, Links("start->wait", "wait->end"));
        var later = Flow("later", """
            { "id": "start", "type": "Start" }, { "id": "wait", "type": "Timer", "duration": "P1D" }, { "id": "end", "type": "End" }
            """, Links("start->wait", "wait->end"));
        var harness = Harness(kind);
        var soon = await harness.StartAsync(timers);
        var tomorrow = await harness.StartAsync(later);
        var timerId = Assert.Single(await harness.BookmarksAsync(soon)).Id;

        harness.Restart();
        await harness.AdvanceAsync(TimeSpan.FromHours(2));
        var lostWithoutRearm = (await harness.InstanceAsync(soon)).Status;
        var fired = await harness.Runtime.RearmTimersAsync();
        var firedAgain = await harness.Runtime.FireTimerAsync(timerId);
        await harness.AdvanceAsync(TimeSpan.FromHours(21));
        var tomorrowEarly = (await harness.InstanceAsync(tomorrow)).Status;
        await harness.AdvanceAsync(TimeSpan.FromHours(1));

        Assert.Equal(InstanceStatus.Waiting, lostWithoutRearm);
        Assert.Equal(1, fired);
        Assert.False(firedAgain);
        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(soon)).Status);
        Assert.Equal(InstanceStatus.Waiting, tomorrowEarly);
        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(tomorrow)).Status);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_running_instance_stays_on_its_version_until_migrated(StoreKind kind)
    {
        var harness = Harness(kind);
        var old = await harness.StartAsync(Review(1, "review"));
        harness.Registry.TryAdd(Review(2, "check"));
        var fresh = await harness.Runtime.StartAsync("review");

        var refused = await harness.Runtime.MigrateAsync(old, 2);
        var pinned = await harness.InstanceAsync(old);
        var accepted = await harness.Runtime.MigrateAsync(old, 2, new Dictionary<string, string> { ["review"] = "check" });
        await harness.Runtime.CompleteAsync((await harness.TaskAsync(old, "check")).Id, Secretary, "approve");

        Assert.Equal(2, (await harness.InstanceAsync(fresh)).DefinitionVersion);
        Assert.Equal(1, pinned.DefinitionVersion);
        Assert.False(refused.Migrated);
        Assert.Equal(["HumanTask bookmark at 'review' would be orphaned: v2 has no activity 'review'"], refused.Reasons);
        Assert.True(accepted.Migrated);
        var done = await harness.InstanceAsync(old);
        Assert.Equal(2, done.DefinitionVersion);
        Assert.Equal(InstanceStatus.Completed, done.Status);
    }

    [Fact]
    public async Task New_instances_use_the_latest_published_version_and_closed_ones_are_not_migrated()
    {
        var harness = Harness(StoreKind.InMemory, Review(1), Review(2, "check"));
        harness.Registry.TryAdd(Review(3, "draft") with { Published = false });

        var id = await harness.Runtime.StartAsync("review");
        await harness.Runtime.CompleteAsync((await harness.TaskAsync(id, "check")).Id, Secretary, "approve");
        var refused = await harness.Runtime.MigrateAsync(id, 1);

        Assert.Equal(2, (await harness.InstanceAsync(id)).DefinitionVersion);
        Assert.Equal(["the instance is Completed"], refused.Reasons);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_faulting_activity_records_incidents_retries_with_back_off_then_faults(StoreKind kind)
    {
        var broken = Flow("broken", """
            { "id": "start", "type": "Start" },
            { "id": "bad", "type": "SetVariable", "variable": "x", "value": "vars.missing.field" },
            { "id": "end", "type": "End" }
            """, Links("start->bad", "bad->end"));
        var harness = Harness(kind);
        var id = await harness.StartAsync(broken);

        var afterFirst = await harness.InstanceAsync(id);
        await harness.AdvanceAsync(TimeSpan.FromSeconds(10));
        await harness.AdvanceAsync(TimeSpan.FromSeconds(20));
        var incidents = await harness.Runtime.GetIncidentsAsync(id);

        Assert.Equal(InstanceStatus.Waiting, afterFirst.Status);
        Assert.Equal([1, 2, 3], incidents.Select(i => i.Attempt));
        Assert.Equal(harness.Time.GetUtcNow().UtcDateTime.AddSeconds(-30).AddSeconds(10), incidents[0].RetryAtUtc);
        Assert.Null(incidents[2].RetryAtUtc);
        Assert.Contains("script error", incidents[0].Error, StringComparison.Ordinal);
        Assert.Equal(InstanceStatus.Faulted, (await harness.InstanceAsync(id)).Status);

        await harness.Runtime.RetryAsync(id, RuntimeHarness.Person("ops", "operator"));
        Assert.Equal(InstanceStatus.Waiting, (await harness.InstanceAsync(id)).Status);
        Assert.Equal(4, (await harness.Runtime.GetIncidentsAsync(id)).Count);
        await harness.Runtime.CancelAsync(id, RuntimeHarness.Person("ops", "operator"), "given up");
        Assert.Equal(InstanceStatus.Cancelled, (await harness.InstanceAsync(id)).Status);
    }
}
