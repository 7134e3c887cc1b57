using System.Text.Json.Nodes;
using Alliance.Workflows.Activities;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Outbox;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Tests.Support;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

/// <summary>What every store must guarantee (atomic commits, queries, outbox), on every store.</summary>
public sealed class StoreContractTests(StoreFixture stores) : IClassFixture<StoreFixture>
{
    public static IEnumerable<object[]> Stores => TestProfile.StoreKinds.Select(k => new object[] { k });

    private static WorkflowDefinition Tasks() => Flow("tasks", """
        { "id": "start", "type": "Start" },
        { "id": "fork", "type": "Fork", "branches": ["a", "b"] },
        { "id": "local", "type": "HumanTask", "title": { "zh-CN": "社区任务", "en": "Community task" }, "candidates": { "role": "secretary", "organisation": "'c-1'" }, "outcomes": ["done"],
          "fields": [ { "name": "note", "type": "text", "maxLength": 20 } ], "deadline": "P1D", "reminders": ["PT2H"], "escalateTo": { "role": "chair", "organisation": "'s-1'" } },
        { "id": "street", "type": "HumanTask", "title": { "zh-CN": "街道任务", "en": "Street task" }, "candidates": { "role": "chair" }, "outcomes": ["done"] },
        { "id": "join", "type": "Join", "fork": "fork" },
        { "id": "end", "type": "End" }
        """, Links("start->fork", "fork:a->local", "fork:b->street", "local->join", "street->join", "join->end"));

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_commit_with_a_stale_version_writes_nothing(StoreKind kind)
    {
        var harness = new RuntimeHarness(stores.CreateStore(kind));
        var id = await harness.StartAsync(Tasks());
        var instance = await harness.InstanceAsync(id);
        var bookmarks = await harness.BookmarksAsync(id);
        var bookmark = bookmarks[0];
        var journalBefore = (await harness.Store.GetJournalAsync(id)).Count;
        var outboxBefore = (await harness.Store.GetUndispatchedAsync(100)).Count;
        instance.BusinessStatus = "should-not-stick";
        var stale = new WorkflowCommit(
            [new InstanceWrite(instance, instance.Version - 1)], [], [], [bookmark.Id],
            [new JournalEntry { Id = Guid.NewGuid(), InstanceId = id, ActivityId = "x", ActivityType = "X", Actor = "a", Outcome = "o", AtUtc = DateTime.UtcNow }],
            [], [], [new OutboxMessage { Id = Guid.NewGuid(), InstanceId = id, MessageType = "Lost", CreatedUtc = DateTime.UtcNow }],
            [new ProcessedStimulus { StimulusId = "s-1", InstanceId = id, ProcessedUtc = DateTime.UtcNow }], [], []);

        await Assert.ThrowsAsync<WorkflowConcurrencyException>(() => harness.Store.CommitAsync(stale));

        Assert.Null((await harness.InstanceAsync(id)).BusinessStatus);
        Assert.Equal(bookmarks.Count, (await harness.BookmarksAsync(id)).Count);
        Assert.Equal(journalBefore, (await harness.Store.GetJournalAsync(id)).Count);
        Assert.Equal(outboxBefore, (await harness.Store.GetUndispatchedAsync(100)).Count);
        Assert.False(await harness.Store.IsProcessedAsync("s-1", null));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Concurrent_commits_each_stand_or_fall_alone(StoreKind kind)
    {
        // Commits arriving together may share one transaction (SQLite group commit); each must still be all or nothing.
        var harness = new RuntimeHarness(stores.CreateStore(kind));
        var ids = await StartTasksAsync(harness, 8);

        var commits = new List<(InstanceId Id, string Marker, WorkflowCommit Commit)>();
        foreach (var id in ids)
        {
            for (var k = 0; k < 3; k++)
            {
                var marker = $"{id}-{k}";
                commits.Add((id, marker, Marking(await harness.InstanceAsync(id), marker)));
            }
        }

        var attempts = commits.Select(c => (c.Id, c.Marker, Commit: Task.Run(() => harness.Store.CommitAsync(c.Commit)))).ToList();

        foreach (var attempt in attempts)
        {
            try
            {
                await attempt.Commit;
            }
            catch (WorkflowConcurrencyException)
            {
                // the losers
            }
        }

        foreach (var id in ids)
        {
            var mine = attempts.Where(a => a.Id == id).ToList();
            var winner = Assert.Single(mine, a => a.Commit.IsCompletedSuccessfully);
            var stored = await harness.InstanceAsync(id);
            Assert.Equal(winner.Marker, stored.BusinessStatus);
            var journal = await harness.Store.GetJournalAsync(id);
            Assert.Contains(journal, j => j.ActivityId == winner.Marker);
            foreach (var loser in mine.Where(a => a != winner))
            {
                Assert.DoesNotContain(journal, j => j.ActivityId == loser.Marker);
                Assert.False(await harness.Store.IsProcessedAsync(loser.Marker, id));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Every_caller_of_a_burst_of_commits_returns_with_its_commit_stored(StoreKind kind)
    {
        // Callers that find the writer busy only wait; whoever writes must take their commits too, and a writer whose own
        // commit is done hands the rest on. A commit nobody picks up would hang its caller: bounded here, so it fails instead.
        var harness = new RuntimeHarness(stores.CreateStore(kind));
        var ids = await StartTasksAsync(harness, 60);

        for (var wave = 0; wave < 3; wave++)
        {
            var commits = new List<(InstanceId Id, string Marker, WorkflowCommit Commit)>();
            foreach (var id in ids)
            {
                var marker = $"{id}-wave-{wave}";
                commits.Add((id, marker, Marking(await harness.InstanceAsync(id), marker)));
            }

            using var start = new ManualResetEventSlim();
            var callers = commits.Select(c => Task.Run(async () =>
            {
                start.Wait();
                await harness.Store.CommitAsync(c.Commit);
            })).ToList();
            start.Set();

            await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));

            foreach (var (id, marker, _) in commits)
            {
                Assert.Equal(marker, (await harness.InstanceAsync(id)).BusinessStatus);
                Assert.Contains(await harness.Store.GetJournalAsync(id), j => j.ActivityId == marker);
                Assert.True(await harness.Store.IsProcessedAsync(marker, id));
            }
        }
    }

    /// <summary>Starts <paramref name="count"/> instances of <see cref="Tasks"/>, one after the other.</summary>
    private static async Task<List<InstanceId>> StartTasksAsync(RuntimeHarness harness, int count)
    {
        var ids = new List<InstanceId>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await harness.StartAsync(Tasks()));
        }

        return ids;
    }

    /// <summary>A commit that sets the instance's business status to <paramref name="marker"/> and writes a journal row and an inbox entry named by it.</summary>
    private static WorkflowCommit Marking(WorkflowInstance instance, string marker)
    {
        instance.BusinessStatus = marker;
        return new WorkflowCommit(
            [new InstanceWrite(instance, instance.Version)], [], [], [],
            [new JournalEntry { Id = Guid.NewGuid(), InstanceId = instance.Id, ActivityId = marker, ActivityType = "X", Actor = "a", Outcome = "o", AtUtc = DateTime.UtcNow }],
            [], [], [], [new ProcessedStimulus { StimulusId = marker, InstanceId = instance.Id, ProcessedUtc = DateTime.UtcNow }], [], []);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_bookmark_consumed_and_replaced_by_two_commits_at_once_is_consumed_by_one(StoreKind kind)
    {
        // A store may write "remove one bookmark, add another" as a rewrite of the removed row: the loser must still fail whole.
        var harness = new RuntimeHarness(stores.CreateStore(kind));
        var id = await harness.StartAsync(Tasks());
        var consumed = (await harness.BookmarksAsync(id))[0];
        WorkflowCommit Replace(string marker, out Bookmark added)
        {
            added = new Bookmark { Id = BookmarkId.New(), InstanceId = id, ActivityId = marker, Kind = BookmarkKind.Message, StimulusType = "Next", CorrelationKey = marker, CreatedUtc = DateTime.UtcNow };
            return new WorkflowCommit(
                [], [added], [], [consumed.Id],
                [new JournalEntry { Id = Guid.NewGuid(), InstanceId = id, ActivityId = marker, ActivityType = "X", Actor = "a", Outcome = "o", AtUtc = DateTime.UtcNow }],
                [], [], [], [], [], []);
        }

        var first = Replace("first", out var firstAdded);
        var second = Replace("second", out var secondAdded);
        var attempts = new[] { Task.Run(() => harness.Store.CommitAsync(first)), Task.Run(() => harness.Store.CommitAsync(second)) };
        var failures = 0;
        foreach (var attempt in attempts)
        {
            try
            {
                await attempt;
            }
            catch (WorkflowConcurrencyException)
            {
                failures++;
            }
        }

        Assert.Equal(1, failures);
        var winner = attempts[0].IsCompletedSuccessfully ? firstAdded : secondAdded;
        var loser = winner == firstAdded ? secondAdded : firstAdded;
        var bookmarks = await harness.BookmarksAsync(id);
        Assert.DoesNotContain(bookmarks, b => b.Id == consumed.Id);
        var stored = Assert.Single(bookmarks, b => b.Id == winner.Id);
        Assert.Equal((winner.ActivityId, winner.StimulusType, winner.CorrelationKey, BookmarkKind.Message), (stored.ActivityId, stored.StimulusType, stored.CorrelationKey, stored.Kind));
        Assert.DoesNotContain(bookmarks, b => b.Id == loser.Id);
        Assert.Equal([winner.Id], (await harness.Store.FindBookmarksAsync("Next", winner.CorrelationKey!)).Select(b => b.Id));
        Assert.Empty(await harness.Store.FindWaitingInstancesAsync("Next", loser.CorrelationKey!));
        var journal = await harness.Store.GetJournalAsync(id);
        Assert.DoesNotContain(journal, j => j.ActivityId == loser.ActivityId);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_commit_that_knows_the_stored_rows_still_writes_every_changed_value(StoreKind kind)
    {
        // With the rows as committed (the runtime's cache), a store may write only what differs: indexed columns that changed
        // (status, a bookmark's kind, type, key, role, organisation, due time) must still all be written, unchanged ones kept.
        var harness = new RuntimeHarness(stores.CreateStore(kind));
        var id = await harness.StartAsync(Tasks());
        var stored = await harness.InstanceAsync(id);
        var storedBookmarks = await harness.BookmarksAsync(id);
        var task = storedBookmarks.First(b => b.Kind == BookmarkKind.HumanTask && b.ActivityId == "local");
        var other = storedBookmarks.First(b => b.Kind == BookmarkKind.HumanTask && b.ActivityId == "street");
        var instance = await harness.InstanceAsync(id);
        instance.Status = InstanceStatus.Faulted;
        instance.BusinessStatus = "changed";
        instance.Variables["marker"] = 1;
        var message = new Bookmark { Id = BookmarkId.New(), InstanceId = id, ActivityId = "wait", Kind = BookmarkKind.Message, StimulusType = "Next", CorrelationKey = "k-1", CreatedUtc = DateTime.UtcNow };
        var reassigned = new Bookmark { Id = BookmarkId.New(), InstanceId = id, ActivityId = other.ActivityId, Kind = other.Kind, Branch = other.Branch, CandidateRole = other.CandidateRole, CandidateOrganisation = "s-9", DueUtc = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), TitleEn = "same indexes but one", CreatedUtc = DateTime.UtcNow };
        var commit = new WorkflowCommit(
            [new InstanceWrite(instance, instance.Version, stored)], [message, reassigned], [], [task.Id, other.Id],
            [new JournalEntry { Id = Guid.NewGuid(), InstanceId = id, ActivityId = "x", ActivityType = "X", Actor = "a", Outcome = "o", AtUtc = DateTime.UtcNow }],
            [], [], [], [], [], [])
        {
            StoredBookmarks = storedBookmarks,
        };

        await harness.Store.CommitAsync(commit);

        var after = await harness.InstanceAsync(id);
        Assert.Equal(InstanceStatus.Faulted, after.Status);
        Assert.Equal("changed", after.BusinessStatus);
        Assert.Equal(1, after.Variables["marker"]!.GetValue<int>());
        Assert.Equal(stored.DefinitionId, after.DefinitionId);
        var bookmarks = await harness.BookmarksAsync(id);
        Assert.DoesNotContain(bookmarks, b => b.Id == task.Id || b.Id == other.Id);
        foreach (var expected in new[] { message, reassigned })
        {
            var actual = Assert.Single(bookmarks, b => b.Id == expected.Id);
            actual.CreatedUtc = expected.CreatedUtc; // the database's time precision
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected), System.Text.Json.JsonSerializer.Serialize(actual));
        }

        Assert.Equal([id], await harness.Store.FindWaitingInstancesAsync("Next", "k-1"));
        Assert.Empty(await harness.Runtime.QueryHumanTasksAsync(new HumanTaskQuery(Role: "secretary")));
        Assert.Single(await harness.Runtime.QueryHumanTasksAsync(new HumanTaskQuery(Role: "chair", OrganisationId: "s-9")));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Open_human_tasks_are_queryable_in_the_store(StoreKind kind)
    {
        var harness = new RuntimeHarness(stores.CreateStore(kind));
        var id = await harness.StartAsync(Tasks());
        var local = await harness.TaskAsync(id, "local");
        await harness.Runtime.ClaimAsync(local.Id, RuntimeHarness.Person("alice", "secretary", "c-1"));

        var secretaries = await harness.Runtime.QueryHumanTasksAsync(new HumanTaskQuery(Role: "secretary", OrganisationId: "c-1"));
        var otherCommunity = await harness.Runtime.QueryHumanTasksAsync(new HumanTaskQuery(Role: "secretary", OrganisationId: "c-2"));
        var chairsAnywhere = await harness.Runtime.QueryHumanTasksAsync(new HumanTaskQuery(Role: "chair", OrganisationId: "s-7"));
        var alices = await harness.Runtime.QueryHumanTasksAsync(new HumanTaskQuery(AssignedTo: "alice"));
        var all = await harness.Runtime.QueryHumanTasksAsync(new HumanTaskQuery(InstanceId: id));

        Assert.Equal("社区任务", Assert.Single(secretaries).TitleZh);
        Assert.Equal(["done"], secretaries[0].AllowedOutcomes);
        Assert.Equal(20, secretaries[0].Fields[0].MaxLength);
        Assert.Equal(harness.Time.GetUtcNow().UtcDateTime.AddDays(1), secretaries[0].DeadlineUtc);
        Assert.Equal([harness.Time.GetUtcNow().UtcDateTime.AddHours(22)], (await harness.BookmarksAsync(id)).Where(b => b.Purpose == TimerPurpose.Reminder && b.RelatedBookmarkId == local.Id).Select(b => b.DueUtc!.Value));
        Assert.Equal(("chair", "s-1"), (secretaries[0].EscalationRole, secretaries[0].EscalationOrganisation));
        Assert.Equal("alice", secretaries[0].ClaimedBy);
        Assert.Empty(otherCommunity);
        Assert.Equal("street", Assert.Single(chairsAnywhere).ActivityId);
        Assert.Equal(local.Id, Assert.Single(alices).Id);
        Assert.Equal(2, all.Count);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_outbox_is_dispatched_at_least_once_and_marked(StoreKind kind)
    {
        var harness = new RuntimeHarness(stores.CreateStore(kind));
        await harness.StartAsync(Tasks());
        var total = (await harness.Store.GetUndispatchedAsync(100)).Count;
        var failing = new RecordingPublisher(failAfter: 1);
        var working = new RecordingPublisher(failAfter: int.MaxValue);

        var failed = await Assert.ThrowsAsync<OutboxPublishException>(() => new OutboxDispatcher(harness.Store, failing, harness.Time).DispatchAsync());
        Assert.IsType<InvalidOperationException>(failed.InnerException);
        var sent = await new OutboxDispatcher(harness.Store, working, harness.Time).DispatchAsync();
        var again = await new OutboxDispatcher(harness.Store, working, harness.Time).DispatchAsync();

        Assert.True(total >= 2);
        Assert.Single(failing.Published);
        Assert.Equal(total - 1, sent);
        Assert.Equal(0, again);
        Assert.DoesNotContain(failing.Published[0], working.Published);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Parallel_ballots_are_all_counted(StoreKind kind)
    {
        var vote = Flow("vote", """
            { "id": "start", "type": "Start" },
            { "id": "vote", "type": "Vote", "voters": "Array.from({ length: 20 }, (_, i) => 'v' + i)", "threshold": "twoThirds", "resultVariable": "tally" },
            { "id": "passed", "type": "SetStatus", "status": "passed" },
            { "id": "failed", "type": "SetStatus", "status": "failed" }
            """, Links("start->vote", "vote:passed->passed", "vote:failed->failed"));
        var harness = new RuntimeHarness(stores.CreateStore(kind), RuntimeHarness.TestOptions with { MaxConcurrencyRetries = 500 });
        var id = await harness.StartAsync(vote);
        var open = (await harness.BookmarksAsync(id)).Single(b => b.Kind == BookmarkKind.Vote);

        await Task.WhenAll(Enumerable.Range(0, 19).Select(i => Task.Run(() =>
            harness.Runtime.CastVoteAsync(open.Id, RuntimeHarness.Person($"v{i}"), i < 14 ? VoteChoice.Yes : VoteChoice.No))));
        var live = await harness.Runtime.GetTallyAsync(open.Id);
        await harness.Runtime.CastVoteAsync(open.Id, RuntimeHarness.Person("v19"), VoteChoice.Abstain);

        Assert.Equal(new VoteTally(open.Id, 20, 14, 5, 0, 1, true, "passed"), live);
        var instance = await harness.InstanceAsync(id);
        Assert.Equal("passed", instance.BusinessStatus);
        Assert.Equal(1, instance.Variables["tally"]!["abstain"]!.GetValue<int>());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_child_workflow_commits_with_its_parent_and_resumes_it_when_done(StoreKind kind)
    {
        var child = Flow("child", """
            { "id": "start", "type": "Start" },
            { "id": "wait", "type": "WaitForMessage", "messageType": "TaskDone", "correlation": "vars.no" },
            { "id": "end", "type": "End" }
            """, Links("start->wait", "wait->end"), extra: """ "inputs": [ { "name": "no", "type": "string" } ], """);
        var parent = Flow("resolution", """
            { "id": "start", "type": "Start" },
            { "id": "fork", "type": "Fork", "branches": ["a", "b"] },
            { "id": "t1", "type": "StartChild", "workflow": "child", "input": "({ no: 'T-1' })", "wait": true },
            { "id": "t2", "type": "StartChild", "workflow": "child", "input": "({ no: 'T-2' })", "wait": true },
            { "id": "join", "type": "Join", "fork": "fork" },
            { "id": "end", "type": "End" }
            """, Links("start->fork", "fork:a->t1", "fork:b->t2", "t1->join", "t2->join", "join->end"));
        var harness = new RuntimeHarness(stores.CreateStore(kind), null, child);
        var id = await harness.StartAsync(parent);

        await harness.SendAsync("TaskDone", "T-2");
        var half = (await harness.InstanceAsync(id)).Status;
        await harness.SendAsync("TaskDone", "T-1");

        Assert.Equal(InstanceStatus.Waiting, half);
        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(id)).Status);
        Assert.Empty(await harness.Store.ListPendingAsync(deadLetters: false));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_expired_early_stimulus_is_not_applied_even_before_the_sweep(StoreKind kind)
    {
        var go = Flow("go", """
            { "id": "start", "type": "Start" }, { "id": "wait", "type": "WaitForMessage", "messageType": "Go", "correlation": "'k'" }, { "id": "end", "type": "End" }
            """, Links("start->wait", "wait->end"));
        var harness = new RuntimeHarness(stores.CreateStore(kind), RuntimeHarness.TestOptions with { StimulusTimeToLive = TimeSpan.FromHours(1) });

        await harness.SendAsync("Go", "k");
        harness.Time.Advance(TimeSpan.FromHours(1));
        var id = await harness.StartAsync(go);

        Assert.Equal(InstanceStatus.Waiting, (await harness.InstanceAsync(id)).Status);
    }

    private sealed class RecordingPublisher(int failAfter) : IOutboxPublisher
    {
        public List<Guid> Published { get; } = [];

        public Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken = default)
        {
            if (Published.Count >= failAfter)
            {
                throw new InvalidOperationException("bus down");
            }

            Published.Add(message.Id);
            return Task.CompletedTask;
        }
    }
}
