using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Persistence.Ef;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

/// <summary>
/// The host's commit hook (<see cref="IWorkflowCommitHook"/>): its work commits in the runtime's own transaction, whatever
/// caused the commit (a start, a timer, a person); a failing hook commits nothing and the runtime redoes the commit;
/// commits the hook does not concern keep the group-commit path.
/// </summary>
public sealed class CommitHookTests(StoreFixture stores) : IClassFixture<StoreFixture>
{
    public static IEnumerable<object[]> EfStores => TestProfile.StoreKinds.Where(k => k != StoreKind.InMemory).Select(k => new object[] { k });

    private static WorkflowDefinition Route(string id) => Flow(id, """
        { "id": "start", "type": "Start" },
        { "id": "waiting", "type": "SetStatus", "status": "waiting" },
        { "id": "wait", "type": "Timer", "duration": "PT2H" },
        { "id": "due", "type": "SetStatus", "status": "due" },
        { "id": "work", "type": "HumanTask", "title": { "zh-CN": "办理", "en": "Work" }, "candidates": { "role": "member" }, "outcomes": ["done"] },
        { "id": "done", "type": "SetStatus", "status": "done" },
        { "id": "end", "type": "End" }
        """, Links("start->waiting", "waiting->wait", "wait->due", "due->work", "work->done", "done->end"));

    [Theory]
    [MemberData(nameof(EfStores))]
    public async Task Every_commit_of_a_hooked_instance_carries_the_hosts_rows_in_its_transaction(StoreKind kind)
    {
        ProjectingHook? hook = null;
        var harness = new RuntimeHarness(stores.CreateStore(kind, options => hook = new ProjectingHook(options)));
        var id = await harness.StartAsync(Route("hooked"));
        await AssertInStepAsync(hook!, harness, id, "waiting");

        await harness.AdvanceAsync(TimeSpan.FromHours(2)); // a timer's commit, no caller of the API
        await AssertInStepAsync(hook!, harness, id, "due");

        await harness.Runtime.CompleteAsync((await harness.TaskAsync(id, "work")).Id, RuntimeHarness.Person("u-1"), "done");
        await AssertInStepAsync(hook!, harness, id, "done");

        var rows = await hook!.RowsAsync(id);
        Assert.Equal([1, 2, 3], rows.Select(r => r.Version)); // one per commit, each seeing the commit's own version
        Assert.Equal(["waiting", "due", "done"], rows.Select(r => r.Status));
        Assert.Equal(3, hook.CommittedCalls);
    }

    [Theory]
    [MemberData(nameof(EfStores))]
    public async Task A_hook_that_throws_commits_nothing_and_the_runtime_redoes_the_commit(StoreKind kind)
    {
        ProjectingHook? hook = null;
        var harness = new RuntimeHarness(
            stores.CreateStore(kind, options => hook = new ProjectingHook(options)),
            RuntimeHarness.TestOptions with { MaxConcurrencyRetries = 2 });
        var id = await harness.StartAsync(Route("hooked"));
        var timer = (await harness.BookmarksAsync(id)).Single(b => b.Kind == BookmarkKind.Timer);
        harness.Time.Advance(TimeSpan.FromHours(2));

        // Fails on every attempt: the runtime gives up, and neither its state nor the host's rows were committed.
        hook!.FailNext(int.MaxValue);
        var failed = await Assert.ThrowsAsync<WorkflowConcurrencyException>(() => harness.Runtime.FireTimerAsync(timer.Id));
        Assert.IsType<InvalidOperationException>(failed.InnerException);
        var instance = await harness.InstanceAsync(id);
        Assert.Equal(1, instance.Version);
        Assert.Equal("waiting", instance.BusinessStatus);
        Assert.Contains(await harness.BookmarksAsync(id), b => b.Id == timer.Id);
        Assert.DoesNotContain(await harness.Store.GetJournalAsync(id), j => j.ActivityId == "wait" && j.Kind == JournalKind.Resumed);
        Assert.Equal([1], (await hook.RowsAsync(id)).Select(r => r.Version));

        // Fails once: the runtime redoes it from a fresh load, and the commit stands with the host's rows, once.
        hook.FailNext(1);
        Assert.True(await harness.Runtime.FireTimerAsync(timer.Id));
        await AssertInStepAsync(hook, harness, id, "due");
        Assert.Equal([1, 2], (await hook.RowsAsync(id)).Select(r => r.Version));
        Assert.Single(await harness.Store.GetJournalAsync(id), j => j.ActivityId == "wait" && j.Kind == JournalKind.Resumed);
    }

    [Theory]
    [MemberData(nameof(EfStores))]
    public async Task Commits_the_hook_does_not_concern_stay_group_committed_beside_hooked_ones(StoreKind kind)
    {
        ProjectingHook? hook = null;
        var harness = new RuntimeHarness(stores.CreateStore(kind, options => hook = new ProjectingHook(options)));
        var hooked = new List<InstanceId>();
        var plain = new List<InstanceId>();
        for (var i = 0; i < 6; i++)
        {
            hooked.Add(await harness.StartAsync(Route("hooked")));
            plain.Add(await harness.StartAsync(Route("plain")));
        }

        var runsBefore = hook!.Runs;
        harness.Time.Advance(TimeSpan.FromHours(2));
        var timers = new List<BookmarkId>();
        foreach (var id in hooked.Concat(plain))
        {
            timers.Add((await harness.BookmarksAsync(id)).Single(b => b.Kind == BookmarkKind.Timer).Id);
        }

        // all at once, so that hooked and plain commits meet in the writer's queue
        Assert.All(await Task.WhenAll(timers.Select(t => Task.Run(() => harness.Runtime.FireTimerAsync(t)))), Assert.True);

        Assert.Equal(hooked.Count, hook.Runs - runsBefore); // the hook ran for the hooked commits only
        foreach (var id in hooked)
        {
            await AssertInStepAsync(hook, harness, id, "due");
        }

        foreach (var id in plain)
        {
            Assert.Equal("due", (await harness.InstanceAsync(id)).BusinessStatus);
            Assert.Empty(await hook.RowsAsync(id));
        }
    }

    /// <summary>The host's last row for the instance is its committed version and status: the two never lag each other.</summary>
    private static async Task AssertInStepAsync(ProjectingHook hook, RuntimeHarness harness, InstanceId id, string status)
    {
        var instance = await harness.InstanceAsync(id);
        var last = (await hook.RowsAsync(id))[^1];
        Assert.Equal(status, instance.BusinessStatus);
        Assert.Equal(instance.Version, last.Version);
        Assert.Equal(status, last.Status);
    }

    /// <summary>
    /// A host's projection, as a real host writes one: an EF context of its own on the store's connection and transaction,
    /// reading the instance as the transaction sees it and saving a row of its own. Concerns instances of <c>hooked</c>.
    /// </summary>
    private sealed class ProjectingHook(DbContextOptions<TestDbContext> options) : IWorkflowCommitHook
    {
        private int _failures;
        private int _runs;
        private int _committed;

        public int Runs => Volatile.Read(ref _runs);

        public int CommittedCalls => Volatile.Read(ref _committed);

        /// <summary>The next <paramref name="count"/> runs throw after saving their row.</summary>
        public void FailNext(int count) => Volatile.Write(ref _failures, count);

        public object? Prepare(WorkflowCommit commit) =>
            commit.Instances.Any(w => w.Instance.DefinitionId == "hooked") ? commit : null;

        public async Task RunAsync(WorkflowCommitTransaction commit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _runs);
            await using var db = new TestDbContext(options);
            db.Database.SetDbConnection(commit.Connection, contextOwnsConnection: false);
            await db.Database.UseTransactionAsync(commit.Transaction, cancellationToken);
            foreach (var write in commit.Commit.Instances.Where(w => w.Instance.DefinitionId == "hooked"))
            {
                var stored = await db.Set<WorkflowInstance>().AsNoTracking().Where(i => i.Id == write.Instance.Id)
                    .Select(i => new { i.Version, i.BusinessStatus }).SingleAsync(cancellationToken);
                db.Add(new Projection { Id = Guid.NewGuid(), InstanceId = write.Instance.Id.Value, Version = stored.Version, Status = stored.BusinessStatus });
            }

            await db.SaveChangesAsync(cancellationToken);
            if (Interlocked.Decrement(ref _failures) >= 0)
            {
                throw new InvalidOperationException("the host's projection failed");
            }
        }

        public void Committed(object state) => Interlocked.Increment(ref _committed);

        public async Task<List<Projection>> RowsAsync(InstanceId id)
        {
            await using var db = new TestDbContext(options);
            return await db.Set<Projection>().AsNoTracking().Where(p => p.InstanceId == id.Value).OrderBy(p => p.Version).ToListAsync();
        }
    }
}
