using System.Text.Json.Nodes;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Tests.Support;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

public sealed class HumanTaskTests
{
    private static readonly Actor Alice = RuntimeHarness.Person("alice", "secretary", "c-1");
    private static readonly Actor Bob = RuntimeHarness.Person("bob", "secretary", "c-1");
    private static readonly Actor Outsider = RuntimeHarness.Person("olga", "secretary", "c-9");
    private static readonly Actor Chair = RuntimeHarness.Person("chen", "chair", "s-1");

    private static WorkflowDefinition Review(string extra = "") => Flow("review", $$"""
        { "id": "start", "type": "Start" },
        { "id": "review", "type": "HumanTask", "title": { "zh-CN": "审核", "en": "Review" },
          "candidates": { "role": "secretary", "organisation": "'c-1'" }, "outcomes": ["approve", "reject"],
          "fields": [ { "name": "opinion", "type": "text", "required": true, "maxLength": 10 }, { "name": "score", "type": "number", "min": 1, "max": 5 },
                      { "name": "level", "type": "choice", "options": ["high", "low"] } ],
          "resultVariable": "review" {{extra}} },
        { "id": "ok", "type": "SetStatus", "status": "approved" },
        { "id": "no", "type": "SetStatus", "status": "rejected" },
        { "id": "late", "type": "SetStatus", "status": "overdue" }
        """, Links("start->review", "review:approve->ok", "review:reject->no", "review:deadline->late"));

    [Fact]
    public async Task A_completed_task_continues_on_its_outcome_port_with_the_result_in_a_variable()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Review());
        var task = await harness.TaskAsync(id, "review");

        await harness.Runtime.CompleteAsync(task.Id, Alice, "approve", "fine", new JsonObject { ["opinion"] = "good", ["score"] = 4 });

        var instance = await harness.InstanceAsync(id);
        Assert.Equal("approved", instance.BusinessStatus);
        Assert.Equal("alice", instance.Variables["review"]!["actor"]!.GetValue<string>());
        Assert.Equal(4, instance.Variables["review"]!["fields"]!["score"]!.GetValue<int>());
        Assert.Contains(await harness.Runtime.GetJournalAsync(id), j => j.ActivityId == "review" && j.Actor == "alice" && j.Outcome == "approve");
    }

    [Fact]
    public async Task Open_tasks_are_queryable_by_role_organisation_and_assignee()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Review());
        var task = await harness.TaskAsync(id, "review");
        await harness.Runtime.ClaimAsync(task.Id, Alice);

        var byRole = await harness.Runtime.QueryHumanTasksAsync(new HumanTaskQuery(Role: "secretary", OrganisationId: "c-1"));
        var otherOrg = await harness.Runtime.QueryHumanTasksAsync(new HumanTaskQuery(Role: "secretary", OrganisationId: "c-2"));
        var mine = await harness.Runtime.QueryHumanTasksAsync(new HumanTaskQuery(AssignedTo: "alice"));

        var open = Assert.Single(byRole);
        Assert.Equal(["approve", "reject"], open.AllowedOutcomes);
        Assert.Equal("opinion", open.Fields[0].Name);
        Assert.Equal("审核", open.TitleZh);
        Assert.Empty(otherOrg);
        Assert.Equal(task.Id, Assert.Single(mine).Id);
    }

    [Fact]
    public async Task The_first_claim_wins()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Review());
        var task = await harness.TaskAsync(id, "review");

        await harness.Runtime.ClaimAsync(task.Id, Alice);
        var error = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.ClaimAsync(task.Id, Bob));
        var completeError = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.CompleteAsync(task.Id, Bob, "approve", null, new JsonObject { ["opinion"] = "x" }));

        Assert.Equal(ConflictCode.AlreadyClaimed, error.Code);
        Assert.Equal(ConflictCode.AlreadyClaimed, completeError.Code);
        Assert.Equal("任务已被他人认领", error.Conflict.MessageZh);
        Assert.Equal("alice", (await harness.TaskAsync(id, "review")).ClaimedBy);
    }

    [Fact]
    public async Task Only_candidates_may_claim()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Review());
        var task = await harness.TaskAsync(id, "review");

        var error = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.ClaimAsync(task.Id, Outsider));

        Assert.Equal(ConflictCode.NotCandidate, error.Code);
    }

    [Fact]
    public async Task A_delegated_task_is_held_by_the_delegate()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Review());
        var task = await harness.TaskAsync(id, "review");
        await harness.Runtime.ClaimAsync(task.Id, Alice);

        await harness.Runtime.DelegateAsync(task.Id, Alice, "dora");
        var aliceError = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.CompleteAsync(task.Id, Alice, "approve", null, new JsonObject { ["opinion"] = "x" }));
        await harness.Runtime.CompleteAsync(task.Id, RuntimeHarness.Person("dora", "volunteer"), "reject", null, new JsonObject { ["opinion"] = "no" });

        Assert.Equal(ConflictCode.AlreadyClaimed, aliceError.Code);
        Assert.Equal("rejected", (await harness.InstanceAsync(id)).BusinessStatus);
        Assert.Contains(await harness.Runtime.GetJournalAsync(id), j => j.Outcome == "delegated to dora" && j.Actor == "alice");
    }

    [Fact]
    public async Task An_outcome_that_is_not_allowed_is_refused()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Review());
        var task = await harness.TaskAsync(id, "review");

        var error = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.CompleteAsync(task.Id, Alice, "maybe", null, new JsonObject { ["opinion"] = "x" }));

        Assert.Equal(ConflictCode.OutcomeNotAllowed, error.Code);
        Assert.True(error.Conflict.IsBadRequest);
        Assert.Equal("Outcome 'maybe' is not allowed; allowed: approve, reject", error.Conflict.MessageEn);
    }

    [Fact]
    public async Task Bad_fields_are_each_named()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Review());
        var task = await harness.TaskAsync(id, "review");

        var error = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.CompleteAsync(
            task.Id, Alice, "approve", null, new JsonObject { ["opinion"] = "far too long text", ["score"] = 9, ["level"] = "mid", ["extra"] = 1 }));

        Assert.Equal(ConflictCode.InvalidFields, error.Code);
        Assert.Equal(
            ["extra: unknown field", "opinion: must be at most 10 characters", "score: must be between 1 and 5", "level: must be one of: high, low"],
            error.Conflict.FieldErrors.Select(f => $"{f.Field}: {f.MessageEn}"));
        var missing = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.CompleteAsync(task.Id, Alice, "approve"));
        Assert.Equal("opinion", Assert.Single(missing.Conflict.FieldErrors).Field);
    }

    [Fact]
    public async Task A_closed_task_or_instance_is_refused()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Review());
        var task = await harness.TaskAsync(id, "review");
        await harness.Runtime.CompleteAsync(task.Id, Alice, "approve", null, new JsonObject { ["opinion"] = "ok" });

        var error = await Assert.ThrowsAsync<WorkflowConflictException>(() => harness.Runtime.CompleteAsync(task.Id, Alice, "approve", null, new JsonObject { ["opinion"] = "ok" }));

        Assert.Equal(ConflictCode.TaskClosed, error.Code);
    }

    [Fact]
    public async Task Reminders_are_sent_before_the_deadline_and_the_task_escalates_at_it()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Review(""", "deadline": "P2D", "reminders": ["PT12H"], "escalateTo": { "role": "chair", "organisation": "'s-1'" }"""));
        var task = await harness.TaskAsync(id, "review");
        await harness.Runtime.ClaimAsync(task.Id, Alice);
        var reminderDues = (await harness.BookmarksAsync(id)).Where(b => b.Purpose == TimerPurpose.Reminder && b.RelatedBookmarkId == task.Id).Select(b => b.DueUtc!.Value).ToList();

        await harness.AdvanceAsync(TimeSpan.FromHours(36));
        var reminders = (await harness.Store.GetUndispatchedAsync(50)).Count(o => o.MessageType == "task.reminder");
        await harness.AdvanceAsync(TimeSpan.FromHours(12));

        Assert.Equal(1, reminders);
        Assert.Equal([new DateTime(2026, 3, 3, 20, 0, 0, DateTimeKind.Utc)], reminderDues);
        Assert.Equal(new DateTime(2026, 3, 4, 8, 0, 0, DateTimeKind.Utc), task.DeadlineUtc);
        var escalated = await harness.TaskAsync(id, "review");
        Assert.True(escalated.Escalated);
        Assert.Equal("chair", escalated.CandidateRole);
        Assert.Null(escalated.ClaimedBy);
        Assert.Contains(await harness.Store.GetUndispatchedAsync(50), o => o.MessageType == "task.escalated");
        await harness.Runtime.CompleteAsync(task.Id, Chair, "approve", null, new JsonObject { ["opinion"] = "ok" });
        Assert.Equal("approved", (await harness.InstanceAsync(id)).BusinessStatus);
    }

    [Fact]
    public async Task Without_an_escalation_target_the_deadline_closes_the_task_on_the_deadline_port()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Review(""", "deadline": "PT3H" """));

        await harness.AdvanceAsync(TimeSpan.FromHours(3));

        Assert.Equal("overdue", (await harness.InstanceAsync(id)).BusinessStatus);
        Assert.Empty(await harness.BookmarksAsync(id));
    }
}
