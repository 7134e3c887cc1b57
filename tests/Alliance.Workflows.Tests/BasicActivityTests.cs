using System.Text.Json.Nodes;
using Alliance.Workflows.Model;
using Alliance.Workflows.Tests.Support;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

public sealed class BasicActivityTests
{
    [Fact]
    public async Task A_sequence_runs_from_Start_to_End_and_journals_every_step()
    {
        var definition = Flow("seq", """
            { "id": "start", "type": "Start" },
            { "id": "set", "type": "SetVariable", "variable": "total", "value": "vars.a + vars.b" },
            { "id": "status", "type": "SetStatus", "status": "counted" },
            { "id": "publish", "type": "Publish", "messageType": "Counted", "payload": "({ total: vars.total })" },
            { "id": "notify", "type": "Notify", "recipients": { "role": "chair", "organisation": "'street-1'" }, "title": { "zh-CN": "已计数", "en": "Counted" }, "body": "'total ' + vars.total" },
            { "id": "end", "type": "End" }
            """, Links("start->set", "set->status", "status->publish", "publish->notify", "notify->end"),
            extra: """ "inputs": [ { "name": "a", "type": "number", "required": true }, { "name": "b", "type": "number" } ], "variables": [ { "name": "total", "type": "number", "default": 0 } ], """);
        var harness = new RuntimeHarness();

        var id = await harness.StartAsync(definition, new JsonObject { ["a"] = 2, ["b"] = 3 });

        var instance = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(5, instance.Variables["total"]!.GetValue<double>());
        Assert.Equal("counted", instance.BusinessStatus);
        Assert.Equal(["start", "set", "status", "publish", "notify", "end"], instance.State.Visited);
        var journal = await harness.Runtime.GetJournalAsync(id);
        Assert.Equal(["start", "set", "status", "publish", "notify", "end"], journal.Select(j => j.ActivityId));
        Assert.All(journal, j => Assert.Equal(harness.Time.GetUtcNow().UtcDateTime, j.AtUtc));
        var outbox = await harness.Store.GetUndispatchedAsync(10);
        Assert.Contains(outbox, o => o.MessageType == "Counted" && o.PayloadJson == """{"total":5}""");
        Assert.Contains(outbox, o => o.Kind == OutboxKind.Notification && o.PayloadJson.Contains("\"body\":\"total 5\"", StringComparison.Ordinal));
        Assert.Contains(outbox, o => o.MessageType == "WorkflowStatusChanged");
    }

    [Fact]
    public async Task A_missing_required_input_is_refused()
    {
        var definition = Flow("inputs", """{ "id": "start", "type": "Start" }, { "id": "end", "type": "End" }""", Links("start->end"),
            extra: """ "inputs": [ { "name": "itemId", "type": "string", "required": true } ], """);
        var harness = new RuntimeHarness();

        var error = await Assert.ThrowsAsync<Runtime.WorkflowConflictException>(() => harness.StartAsync(definition));

        Assert.Equal(Runtime.ConflictCode.InvalidInput, error.Code);
        Assert.Equal("itemId", Assert.Single(error.Conflict.FieldErrors).Field);
    }

    [Fact]
    public async Task Expressions_see_the_runtime_clock()
    {
        var definition = Flow("clock", """
            { "id": "start", "type": "Start" },
            { "id": "set", "type": "SetVariable", "variable": "t", "value": "({ same: Date.now() === Date.parse(now), iso: new Date().toISOString() })" }
            """, Links("start->set"));
        var harness = new RuntimeHarness();

        var id = await harness.StartAsync(definition);

        var t = (await harness.InstanceAsync(id)).Variables["t"]!;
        Assert.True(t["same"]!.GetValue<bool>());
        Assert.Equal("2026-03-02T08:00:00.000Z", t["iso"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_activity_retry_policy_overrides_the_defaults()
    {
        var definition = Flow("policy", """
            { "id": "start", "type": "Start" },
            { "id": "bad", "type": "SetVariable", "variable": "x", "value": "vars.nothing.here", "retry": { "maxAttempts": 2, "delay": "PT1M" } }
            """, Links("start->bad"));
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(definition);

        var first = Assert.Single(await harness.Runtime.GetIncidentsAsync(id));
        await harness.AdvanceAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(harness.Time.GetUtcNow().UtcDateTime, first.RetryAtUtc);
        Assert.Equal(2, (await harness.Runtime.GetIncidentsAsync(id)).Count);
        Assert.Equal(InstanceStatus.Faulted, (await harness.InstanceAsync(id)).Status);
    }

    [Fact]
    public async Task An_input_of_the_wrong_type_is_refused_and_named()
    {
        var definition = Flow("typed", """{ "id": "start", "type": "Start" }, { "id": "end", "type": "End" }""", Links("start->end"),
            extra: """ "inputs": [ { "name": "count", "type": "number" }, { "name": "due", "type": "datetime" } ], """);
        var harness = new RuntimeHarness();

        var error = await Assert.ThrowsAsync<Runtime.WorkflowConflictException>(() => harness.StartAsync(definition, new JsonObject { ["count"] = "three", ["due"] = "soon" }));

        Assert.Equal("Invalid input: count must be of type number, due must be of type datetime", error.Conflict.MessageEn);
    }

    [Theory]
    [InlineData(5, "big")]
    [InlineData(1, "small")]
    public async Task Decision_takes_the_true_or_false_port(int size, string expected)
    {
        var definition = Flow("decide", """
            { "id": "start", "type": "Start" },
            { "id": "check", "type": "Decision", "condition": "vars.size > 3" },
            { "id": "big", "type": "SetStatus", "status": "big" },
            { "id": "small", "type": "SetStatus", "status": "small" }
            """, Links("start->check", "check:true->big", "check:false->small"),
            extra: """ "inputs": [ { "name": "size", "type": "number" } ], """);
        var harness = new RuntimeHarness();

        var id = await harness.StartAsync(definition, new JsonObject { ["size"] = size });

        Assert.Equal(expected, (await harness.InstanceAsync(id)).BusinessStatus);
        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(id)).Status);
    }

    [Theory]
    [InlineData("urgent", "fast")]
    [InlineData("decision", "vote")]
    [InlineData("other", "default")]
    public async Task Switch_takes_the_first_matching_case_else_default(string kind, string expected)
    {
        var definition = Flow("switch", """
            { "id": "start", "type": "Start" },
            { "id": "route", "type": "Switch", "cases": [ { "port": "fast", "condition": "vars.kind === 'urgent'" }, { "port": "vote", "condition": "vars.kind === 'decision'" } ] },
            { "id": "fast", "type": "SetStatus", "status": "fast" },
            { "id": "vote", "type": "SetStatus", "status": "vote" },
            { "id": "other", "type": "SetStatus", "status": "default" }
            """, Links("start->route", "route:fast->fast", "route:vote->vote", "route:default->other"),
            extra: """ "inputs": [ { "name": "kind", "type": "string" } ], """);
        var harness = new RuntimeHarness();

        var id = await harness.StartAsync(definition, new JsonObject { ["kind"] = kind });

        Assert.Equal(expected, (await harness.InstanceAsync(id)).BusinessStatus);
    }

    [Fact]
    public async Task WaitForMessage_resumes_only_on_its_type_and_correlation_key()
    {
        var definition = Flow("wait", """
            { "id": "start", "type": "Start" },
            { "id": "wait", "type": "WaitForMessage", "messageType": "MeetingHeld", "correlation": "vars.meetingId", "resultVariable": "meeting" },
            { "id": "end", "type": "End" }
            """, Links("start->wait", "wait->end"), extra: """ "inputs": [ { "name": "meetingId", "type": "string" } ], """);
        var harness = new RuntimeHarness();
        var first = await harness.StartAsync(definition, new JsonObject { ["meetingId"] = "m-1" });
        var second = await harness.StartAsync(definition, new JsonObject { ["meetingId"] = "m-2" });

        var wrongType = await harness.SendAsync("MeetingCancelled", "m-1");
        var result = await harness.SendAsync("MeetingHeld", "m-1", new JsonObject { ["minutes"] = "ok" });

        Assert.Equal(Runtime.DeliveryStatus.Queued, wrongType.Status);
        Assert.Equal([first], result.Instances);
        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(first)).Status);
        Assert.Equal("ok", (await harness.InstanceAsync(first)).Variables["meeting"]!["minutes"]!.GetValue<string>());
        Assert.Equal(InstanceStatus.Waiting, (await harness.InstanceAsync(second)).Status);
    }

    [Fact]
    public async Task Timer_with_a_duration_fires_at_its_due_time_and_never_early()
    {
        var definition = Flow("timer", """
            { "id": "start", "type": "Start" }, { "id": "wait", "type": "Timer", "duration": "PT2H" }, { "id": "end", "type": "End" }
            """, Links("start->wait", "wait->end"));
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(definition);
        var timer = Assert.Single(await harness.BookmarksAsync(id));

        var early = await harness.Runtime.FireTimerAsync(timer.Id);
        await harness.AdvanceAsync(TimeSpan.FromMinutes(119));
        var statusBefore = (await harness.InstanceAsync(id)).Status;
        await harness.AdvanceAsync(TimeSpan.FromMinutes(1));

        Assert.False(early);
        Assert.Equal(InstanceStatus.Waiting, statusBefore);
        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(id)).Status);
        Assert.False(await harness.Runtime.FireTimerAsync(timer.Id));
    }

    [Fact]
    public async Task Timer_at_an_absolute_time_and_on_a_cron_schedule()
    {
        var definition = Flow("timers", """
            { "id": "start", "type": "Start" },
            { "id": "at", "type": "Timer", "at": "'2026-03-02T10:30:00Z'" },
            { "id": "cron", "type": "Timer", "cron": "0 9 * * *" },
            { "id": "end", "type": "End" }
            """, Links("start->at", "at->cron", "cron->end"));
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(definition);

        var atDue = Assert.Single(await harness.BookmarksAsync(id)).DueUtc;
        await harness.AdvanceAsync(TimeSpan.FromHours(2.5));
        var cronDue = Assert.Single(await harness.BookmarksAsync(id)).DueUtc;
        await harness.AdvanceAsync(TimeSpan.FromDays(1));

        Assert.Equal(new DateTime(2026, 3, 2, 10, 30, 0, DateTimeKind.Utc), atDue);
        Assert.Equal(new DateTime(2026, 3, 3, 9, 0, 0, DateTimeKind.Utc), cronDue);
        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(id)).Status);
    }

    [Fact]
    public async Task StartChild_with_wait_resumes_the_parent_when_the_child_finishes()
    {
        var child = Flow("child", """
            { "id": "start", "type": "Start" },
            { "id": "work", "type": "WaitForMessage", "messageType": "Done", "correlation": "vars.taskNo" },
            { "id": "set", "type": "SetVariable", "variable": "result", "value": "'finished ' + vars.taskNo" },
            { "id": "end", "type": "End" }
            """, Links("start->work", "work->set", "set->end"), extra: """ "inputs": [ { "name": "taskNo", "type": "string" } ], """);
        var parent = Flow("parent", """
            { "id": "start", "type": "Start" },
            { "id": "spawn", "type": "StartChild", "workflow": "child", "input": "({ taskNo: 'T-1' })", "wait": true, "resultVariable": "child" },
            { "id": "end", "type": "End" }
            """, Links("start->spawn", "spawn->end"));
        var harness = new RuntimeHarness(definitions: child);

        var id = await harness.StartAsync(parent);
        var waiting = (await harness.InstanceAsync(id)).Status;
        await harness.SendAsync("Done", "T-1");

        Assert.Equal(InstanceStatus.Waiting, waiting);
        var done = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal("finished T-1", done.Variables["child"]!["variables"]!["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancelling_a_parent_cancels_the_children_it_waits_for()
    {
        var child = Flow("child3", """
            { "id": "start", "type": "Start" }, { "id": "work", "type": "Timer", "duration": "P30D" }, { "id": "end", "type": "End" }
            """, Links("start->work", "work->end"));
        var parent = Flow("parent3", """
            { "id": "start", "type": "Start" }, { "id": "spawn", "type": "StartChild", "workflow": "child3", "wait": true }, { "id": "end", "type": "End" }
            """, Links("start->spawn", "spawn->end"));
        var harness = new RuntimeHarness(definitions: child);
        var id = await harness.StartAsync(parent);
        var childId = new InstanceId(Guid.Parse((await harness.BookmarksAsync(id)).Single().CorrelationKey!));

        await harness.Runtime.CancelAsync(id, RuntimeHarness.Person("ops", "operator"));

        Assert.Equal(InstanceStatus.Cancelled, (await harness.InstanceAsync(childId)).Status);
        Assert.Empty(harness.Scheduler.Armed);
        Assert.Empty(await harness.Store.ListPendingAsync(deadLetters: false));
    }

    [Fact]
    public async Task StartChild_without_wait_continues_at_once()
    {
        var child = Flow("child2", """{ "id": "start", "type": "Start" }, { "id": "end", "type": "End" }""", Links("start->end"));
        var parent = Flow("parent2", """
            { "id": "start", "type": "Start" }, { "id": "spawn", "type": "StartChild", "workflow": "child2" }, { "id": "end", "type": "End" }
            """, Links("start->spawn", "spawn->end"));
        var harness = new RuntimeHarness(definitions: child);

        var id = await harness.StartAsync(parent);

        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(id)).Status);
    }

    [Fact]
    public async Task Compensate_undoes_completed_steps_newest_first()
    {
        var definition = Flow("comp", """
            { "id": "start", "type": "Start" },
            { "id": "book", "type": "Publish", "messageType": "VenueBooked", "compensateWith": "unbook" },
            { "id": "assign", "type": "SetVariable", "variable": "assigned", "value": "true", "compensateWith": "unassign" },
            { "id": "undo", "type": "Compensate" },
            { "id": "end", "type": "End" },
            { "id": "unbook", "type": "Publish", "messageType": "VenueReleased" },
            { "id": "unassign", "type": "SetVariable", "variable": "assigned", "value": "false" }
            """, Links("start->book", "book->assign", "assign->undo", "undo->end"));
        var harness = new RuntimeHarness();

        var id = await harness.StartAsync(definition);

        var instance = await harness.InstanceAsync(id);
        Assert.False(instance.Variables["assigned"]!.GetValue<bool>());
        var journal = await harness.Runtime.GetJournalAsync(id);
        Assert.Equal(["compensated assign", "compensated book"], journal.Where(j => j.Outcome.StartsWith("compensated", StringComparison.Ordinal)).Select(j => j.Outcome));
        Assert.Contains(await harness.Store.GetUndispatchedAsync(20), o => o.MessageType == "VenueReleased");
    }

    [Fact]
    public async Task Cancel_instance_removes_every_wait()
    {
        var definition = Flow("cancel", """
            { "id": "start", "type": "Start" },
            { "id": "fork", "type": "Fork", "branches": ["a", "b"] },
            { "id": "wait", "type": "WaitForMessage", "messageType": "X", "correlation": "'1'" },
            { "id": "stop", "type": "Cancel" }
            """, Links("start->fork", "fork:a->wait", "fork:b->stop"));
        var harness = new RuntimeHarness();

        var id = await harness.StartAsync(definition);

        Assert.Equal(InstanceStatus.Cancelled, (await harness.InstanceAsync(id)).Status);
        Assert.Empty(await harness.BookmarksAsync(id));
    }

    [Fact]
    public async Task An_operator_can_cancel_a_waiting_instance()
    {
        var definition = Flow("opcancel", """
            { "id": "start", "type": "Start" }, { "id": "wait", "type": "Timer", "duration": "P1D" }, { "id": "end", "type": "End" }
            """, Links("start->wait", "wait->end"));
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(definition);

        await harness.Runtime.CancelAsync(id, RuntimeHarness.Person("ops", "operator"), "duplicate item");

        Assert.Equal(InstanceStatus.Cancelled, (await harness.InstanceAsync(id)).Status);
        Assert.Empty(await harness.BookmarksAsync(id));
        Assert.Empty(harness.Scheduler.Armed);
    }
}
