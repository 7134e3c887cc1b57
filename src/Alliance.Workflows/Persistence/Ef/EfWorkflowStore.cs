using System.Data.Common;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Alliance.Workflows.Persistence.Ef;

/// <summary>
/// The EF Core store over the host's DbContext (which must call <c>ApplyWorkflowModel()</c>). Each read uses a fresh
/// context from the factory. Commits go through one writer with its own long-lived context and connection
/// (<see cref="StoreSession"/>), which writes the commits queued meanwhile together (group commit), each still all or
/// nothing, in one transaction. A commit that the host's <see cref="IWorkflowCommitHook"/> concerns is written alone, with the
/// hook's work in its transaction.
/// </summary>
public sealed class EfWorkflowStore<TContext>(Func<TContext> createContext, IWorkflowCommitHook? commitHook = null) : IWorkflowStore, IDisposable
    where TContext : DbContext
{
    private const int MaxGroupCommit = 64;
    private const int MaxIdleSessions = 8;
    private readonly System.Collections.Concurrent.ConcurrentQueue<QueuedCommit> _queue = new();
    private readonly System.Collections.Concurrent.ConcurrentBag<StoreSession> _idle = [];
    private WritingSetUp? _setUp; // null until the first commit has seen the provider
    private int _writing;
    private EfCommitWriter? _writer;
    private bool _disposed;

    // The queries of every resume, compiled once: no expression-tree work or query-cache lookup per call.
    // Per store, not static: a compiled query is bound to one model, and a context type may be used with several providers.
    private readonly Func<TContext, InstanceId, Task<WorkflowInstance?>> _instanceById =
        EF.CompileAsyncQuery((TContext db, InstanceId id) => db.Set<WorkflowInstance>().AsNoTracking().FirstOrDefault(i => i.Id == id));

    private readonly Func<TContext, InstanceId, IAsyncEnumerable<Bookmark>> _bookmarksOfInstance =
        EF.CompileAsyncQuery<TContext, InstanceId, Bookmark>((TContext db, InstanceId id) => db.Set<Bookmark>().AsNoTracking().Where(b => b.InstanceId == id).OrderBy(b => b.CreatedUtc));

    private readonly Func<TContext, string, InstanceId, Task<bool>> _isProcessedFor =
        EF.CompileAsyncQuery((TContext db, string stimulusId, InstanceId id) => db.Set<ProcessedStimulus>().Any(p => p.StimulusId == stimulusId && p.InstanceId == id));

    private readonly Func<TContext, string, string, IAsyncEnumerable<Bookmark>> _bookmarksWaitingFor =
        EF.CompileAsyncQuery((TContext db, string type, string key) => db.Set<Bookmark>().AsNoTracking().Where(b => b.StimulusType == type && b.CorrelationKey == key));

    private readonly Func<TContext, string, string, DateTime, IAsyncEnumerable<PendingStimulus>> _pendingFor =
        EF.CompileAsyncQuery<TContext, string, string, DateTime, PendingStimulus>((TContext db, string type, string key, DateTime now) => db.Set<PendingStimulus>().AsNoTracking()
            .Where(p => p.DeadLetteredUtc == null && p.ExpiresUtc > now && p.StimulusType == type && p.CorrelationKey == key)
            .OrderBy(p => p.ReceivedUtc));

    /// <summary>Closes the idle sessions' connections (one in use is closed when it is handed back).</summary>
    public void Dispose()
    {
        _disposed = true;
        DrainIdle();
    }

    public EfWorkflowStore(IDbContextFactory<TContext> factory, IWorkflowCommitHook? commitHook = null)
        : this(() => factory.CreateDbContext(), commitHook)
    {
    }

    public async Task<WorkflowInstance?> FindInstanceAsync(InstanceId id, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        return await _instanceById(db, id);
    }

    public async Task<InstanceSnapshot?> LoadAsync(InstanceId id, string? stimulusId, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        var instance = await _instanceById(db, id);
        if (instance is null)
        {
            return null;
        }

        var bookmarks = await ToListAsync(_bookmarksOfInstance(db, id), cancellationToken);
        var processed = stimulusId is not null && await _isProcessedFor(db, stimulusId, id);
        return new InstanceSnapshot(instance, bookmarks, processed);
    }

    public async Task<IReadOnlyList<Bookmark>> GetBookmarksAsync(InstanceId id, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        return await ToListAsync(_bookmarksOfInstance(db, id), cancellationToken);
    }

    public async Task<Bookmark?> FindBookmarkAsync(BookmarkId id, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        return await db.Set<Bookmark>().AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
    }

    /// <summary>Only the instance ids (no bookmark rows to materialise): the first read of every delivery.</summary>
    public async Task<IReadOnlyList<InstanceId>> FindWaitingInstancesAsync(string stimulusType, string correlationKey, CancellationToken cancellationToken = default)
    {
        var session = await RentAsync();
        try
        {
            var ids = await session.GuidsAsync(Writer(session).WaitingInstances(stimulusType, correlationKey), cancellationToken);
            Return(session);
            return [.. ids.Select(id => new InstanceId(id))];
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    public async Task<IReadOnlyList<Bookmark>> FindBookmarksAsync(string stimulusType, string correlationKey, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        return await ToListAsync(_bookmarksWaitingFor(db, stimulusType, correlationKey), cancellationToken);
    }

    public Task<IReadOnlyList<Bookmark>> ListTimersAsync(CancellationToken cancellationToken = default) =>
        BookmarksAsync(q => q.Where(b => b.Kind == BookmarkKind.Timer).OrderBy(b => b.DueUtc), cancellationToken);

    public Task<IReadOnlyList<Bookmark>> QueryHumanTasksAsync(HumanTaskQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return BookmarksAsync(
            q =>
            {
                q = q.Where(b => b.Kind == BookmarkKind.HumanTask);
                if (query.Role is not null)
                {
                    q = q.Where(b => b.CandidateRole == query.Role);
                }

                if (query.OrganisationId is { } organisation)
                {
                    var first = organisation + ",";
                    var last = "," + organisation;
                    var middle = "," + organisation + ",";
                    q = q.Where(b => b.CandidateOrganisation == null || b.CandidateOrganisation == "" || b.CandidateOrganisation == organisation
                        || b.CandidateOrganisation.StartsWith(first) || b.CandidateOrganisation.EndsWith(last) || b.CandidateOrganisation.Contains(middle));
                }

                if (query.AssignedTo is not null)
                {
                    q = q.Where(b => b.ClaimedBy == query.AssignedTo || b.DelegatedTo == query.AssignedTo);
                }

                if (query.InstanceId is { } instanceId)
                {
                    q = q.Where(b => b.InstanceId == instanceId);
                }

                return q.OrderBy(b => b.CreatedUtc);
            },
            cancellationToken);
    }

    public async Task<bool> IsProcessedAsync(string stimulusId, InstanceId? instanceId, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        var rows = db.Set<ProcessedStimulus>().Where(p => p.StimulusId == stimulusId);
        if (instanceId is { } id)
        {
            rows = rows.Where(p => p.InstanceId == id);
        }

        return await rows.AnyAsync(cancellationToken);
    }

    public async Task<bool> AddPendingAsync(PendingStimulus stimulus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stimulus);
        await using var db = createContext();
        if (await db.Set<PendingStimulus>().AnyAsync(p => p.StimulusId == stimulus.StimulusId, cancellationToken))
        {
            return false;
        }

        db.Add(stimulus);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<PendingStimulus>> FindPendingAsync(string stimulusType, string correlationKey, DateTime nowUtc, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        return await ToListAsync(_pendingFor(db, stimulusType, correlationKey, nowUtc), cancellationToken);
    }

    public async Task<IReadOnlyList<PendingStimulus>> ListPendingAsync(bool deadLetters, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        var rows = db.Set<PendingStimulus>().AsNoTracking();
        rows = deadLetters ? rows.Where(p => p.DeadLetteredUtc != null) : rows.Where(p => p.DeadLetteredUtc == null);
        return await rows.OrderBy(p => p.ReceivedUtc).ToListAsync(cancellationToken);
    }

    public async Task<int> DeadLetterExpiredAsync(DateTime nowUtc, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        DateTime? at = nowUtc;
        return await db.Set<PendingStimulus>()
            .Where(p => p.DeadLetteredUtc == null && p.ExpiresUtc <= nowUtc)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.DeadLetteredUtc, at), cancellationToken);
    }

    public async Task<PendingStimulus?> ReviveDeadLetterAsync(string stimulusId, DateTime expiresUtc, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        var dead = await db.Set<PendingStimulus>().FirstOrDefaultAsync(p => p.StimulusId == stimulusId && p.DeadLetteredUtc != null, cancellationToken);
        if (dead is null)
        {
            return null;
        }

        dead.DeadLetteredUtc = null;
        dead.ExpiresUtc = expiresUtc;
        await db.SaveChangesAsync(cancellationToken);
        return dead;
    }

    public Task CommitAsync(WorkflowCommit commit, CancellationToken cancellationToken = default) =>
        CommitCoreAsync(commit, null, cancellationToken);

    /// <summary>The commit, then the queued stimuli its waiting bookmarks match (checked in or after its transaction, read after it on the same connection).</summary>
    public Task<IReadOnlyList<PendingStimulus>> CommitAndFindPendingAsync(WorkflowCommit commit, DateTime nowUtc, CancellationToken cancellationToken = default) =>
        CommitCoreAsync(commit, nowUtc, cancellationToken);

    private async Task<IReadOnlyList<PendingStimulus>> CommitCoreAsync(WorkflowCommit commit, DateTime? findPendingAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var write in commit.Instances)
        {
            write.Instance.Version = write.ExpectedVersion is { } expected ? expected + 1 : 1;
        }

        IReadOnlyList<PendingStimulus>? found = null;
        try
        {
            if (Volatile.Read(ref _setUp) is null)
            {
                await SetUpWritingAsync();
            }

            var hookState = commitHook?.Prepare(commit);
            found = await CommitQueuedAsync(new QueuedCommit(commit, findPendingAt, hookState, Statements(commit)));
        }
        finally
        {
            if (found is null)
            {
                foreach (var write in commit.Instances)
                {
                    write.Instance.Version = write.ExpectedVersion ?? 0;
                }
            }
        }

        return found ?? throw new WorkflowConcurrencyException("the instance changed concurrently; reload and retry");
    }

    /// <summary>
    /// Commits queue here, and whoever holds the writer writes every commit queued meanwhile in one transaction on the
    /// writer's own long-lived connection (group commit: one log append and sync for the lot, one round trip for their
    /// statements on PostgreSQL). SQLite has one writer anyway, and a queue is far cheaper than its busy-retry back-off.
    /// Each commit is still all-or-nothing and one that meets a concurrent change fails alone (see
    /// <see cref="WriteGroupAsync"/>). Nobody returns before the transaction holding their commit is durable.
    /// </summary>
    private async Task<IReadOnlyList<PendingStimulus>?> CommitQueuedAsync(QueuedCommit mine)
    {
        _queue.Enqueue(mine);
        await WriteQueuedAsync(mine);
        return await mine.Done.Task;
    }

    /// <summary>
    /// Writes queued groups while there are any and a writer's place is free. A caller that finds every place taken just
    /// waits for its commit: whoever writes takes it with the next group (one writer drains the queue; nobody queues for
    /// the writer's place, so a finished group wakes only its own callers). Once its own commit is durable, a writing
    /// caller hands what is still queued to a pool thread and returns, so no caller writes for the others indefinitely.
    /// Leaving a place and then looking at the queue (as a caller queues and then tries for a place) means a queued
    /// commit is always seen by someone.
    /// </summary>
    private async Task WriteQueuedAsync(QueuedCommit? mine)
    {
        while (!_queue.IsEmpty && TryTakeWriterPlace())
        {
            try
            {
                var group = new List<QueuedCommit>();
                while (group.Count < MaxGroupCommit && _queue.TryDequeue(out var next))
                {
                    group.Add(next);
                }

                if (group.Count > 0)
                {
                    await WriteGroupAsync(group);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _writing);
            }

            if (mine is not null && mine.Done.Task.IsCompleted)
            {
                if (!_queue.IsEmpty)
                {
                    _ = Task.Run(() => WriteQueuedAsync(null)); // never throws: WriteGroupAsync hands every failure to its commits
                }

                return;
            }
        }
    }

    /// <summary>
    /// A writer's place, if one is free, without waiting. Interlocked (full fences) rather than SemaphoreSlim.Wait(0): the
    /// hand-off above relies on "leave the place, then look at the queue" not being reordered.
    /// </summary>
    private bool TryTakeWriterPlace()
    {
        var writing = Volatile.Read(ref _writing);
        while (writing < _setUp!.WriterPlaces)
        {
            var seen = Interlocked.CompareExchange(ref _writing, writing + 1, writing);
            if (seen == writing)
            {
                return true;
            }

            writing = seen;
        }

        return false;
    }

    /// <summary>
    /// Once, at the first commit: the statement builder, and from the provider how many groups may be written at once —
    /// one on SQLite (it has one writer anyway), a few where statements go to a server in batches (PostgreSQL), so that
    /// one group's round trips and log flush overlap the next group's — and whether values are converted ahead.
    /// </summary>
    private async Task SetUpWritingAsync()
    {
        var session = await RentAsync();
        Writer(session);
        var batched = session.Connection.CanCreateBatch;
        Volatile.Write(ref _setUp, new WritingSetUp(WriterPlaces: batched ? ConcurrentGroupsWithBatches : 1, ConvertAhead: !batched));
        Return(session);
    }

    private const int ConcurrentGroupsWithBatches = 4;

    /// <summary>What the provider decides about writing, published once as a whole (see <see cref="SetUpWritingAsync"/>).</summary>
    private sealed record WritingSetUp(int WriterPlaces, bool ConvertAhead);

    /// <summary>
    /// A commit's statements, built by its caller before it queues (in parallel with other callers, not on the single
    /// writer). Where statements run prepared (SQLite) their values go through the model's value converters here too (the
    /// state to JSON, typed ids to GUIDs), so that the writer only binds them.
    /// </summary>
    private List<EfCommitWriter.Statement> Statements(WorkflowCommit commit)
    {
        var statements = _writer!.Statements(commit);
        if (_setUp!.ConvertAhead)
        {
            foreach (var statement in statements)
            {
                statement.ConvertValues();
            }
        }

        return statements;
    }

    private async Task<StoreSession> RentAsync() =>
        _idle.TryTake(out var session) ? session : await StoreSession.OpenAsync(createContext());

    /// <summary>
    /// Hands a healthy session back: kept for the next caller, or closed when enough are idle. Idle sessions are closed
    /// once the store has been quiet for <see cref="IdleTimeout"/>, so a quiet store holds no connection.
    /// </summary>
    private void Return(StoreSession session)
    {
        if (!_disposed && _idle.Count < MaxIdleSessions)
        {
            _idle.Add(session);
            Volatile.Write(ref _lastReturnMs, Environment.TickCount64);
            if (_idleTimer is null)
            {
                lock (_idle)
                {
                    _idleTimer ??= new Timer(_ => CloseIdle(), null, IdleTimeout, IdleTimeout);
                }
            }
        }
        else
        {
            session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(5);
    private long _lastReturnMs;
    private Timer? _idleTimer;

    private void CloseIdle()
    {
        if (Environment.TickCount64 - Volatile.Read(ref _lastReturnMs) < IdleTimeout.TotalMilliseconds)
        {
            return;
        }

        DrainIdle();
    }

    /// <summary>Stops the idle timer and closes every idle session's connection.</summary>
    private void DrainIdle()
    {
        lock (_idle)
        {
            _idleTimer?.Dispose();
            _idleTimer = null;
        }

        while (_idle.TryTake(out var session))
        {
            session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private EfCommitWriter Writer(StoreSession session) => _writer ??= new EfCommitWriter(session.Context);

    /// <summary>
    /// Writes a group of commits in one transaction. Without ADO.NET batches (SQLite, in process) see
    /// <see cref="WriteWithSavepointsAsync"/>: one that meets a concurrent change is rolled back alone. With batches (PostgreSQL) the whole group
    /// goes in one batch; if any commit meets a concurrent change (or a duplicate key, which aborts a PostgreSQL
    /// transaction), the group is rolled back and each of its commits is written again in a transaction of its own.
    /// </summary>
    private async Task WriteGroupAsync(List<QueuedCommit> group)
    {
        if (group.Exists(q => q.HookState is not null))
        {
            var plain = group.FindAll(q => q.HookState is null);
            if (plain.Count > 0)
            {
                await WriteGroupAsync(plain);
            }

            foreach (var hooked in group.Where(q => q.HookState is not null))
            {
                await WriteHookedAsync(hooked);
            }

            return;
        }

        bool[] results;
        List<Probe> probes;
        bool[] hits;
        StoreSession? session = null;
        try
        {
            session = await RentAsync();
            Writer(session);
            (results, probes, hits) = session.Connection.CanCreateBatch
                ? await WriteBatchedAsync(session, group)
                : await WriteWithSavepointsAsync(session, group);
        }
        catch (Exception ex)
        {
            await DropAsync(session);
            foreach (var queued in group)
            {
                queued.Done.TrySetException(ex);
            }

            return;
        }

        // Durable now: the queued stimuli the pending check found are read, then everyone is told.
        try
        {
            var pending = await ReadPendingAsync(session, group, probes, hits);
            Return(session);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Done.TrySetResult(results[i] ? pending[i] : null);
            }
        }
        catch (Exception ex)
        {
            await DropAsync(session);
            foreach (var queued in group)
            {
                queued.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>
    /// A commit the host's hook joins (<see cref="IWorkflowCommitHook"/>): alone, in a transaction of its own, its statements
    /// and then the hook on the same connection and transaction. A refused commit (a concurrent change) is rolled back
    /// before the hook runs; a hook that throws rolls the whole transaction back and fails the commit as a concurrency
    /// conflict carrying its exception, so the runtime redoes it from a fresh load.
    /// </summary>
    private async Task WriteHookedAsync(QueuedCommit queued)
    {
        StoreSession? session = null;
        try
        {
            session = await RentAsync();
            Writer(session);
            var stood = false;
            Exception? hookFailure = null;
            await using (var transaction = await session.Connection.BeginTransactionAsync())
            {
                if (await RunOrRefuseAsync(session, transaction, queued.Statements))
                {
                    try
                    {
                        await commitHook!.RunAsync(new WorkflowCommitTransaction(session.Connection, transaction, queued.Commit, queued.HookState!), CancellationToken.None);
                    }
                    catch (Exception ex)
                    {
                        hookFailure = ex;
                    }

                    stood = hookFailure is null;
                }

                if (stood)
                {
                    await transaction.CommitAsync();
                }
                else
                {
                    await transaction.RollbackAsync();
                }
            }

            if (hookFailure is not null)
            {
                await DropAsync(session); // a fresh connection after a failed hook, whatever it left behind
                session = null;
                queued.Done.TrySetException(new WorkflowConcurrencyException("the commit hook failed; nothing of the commit was written", hookFailure));
                return;
            }

            List<QueuedCommit> alone = [queued];
            var probes = Probes(alone, stood ? [0] : []);
            var pending = await ReadPendingAsync(session, alone, probes, await ProbeAsync(session, probes));
            Return(session);
            session = null;
            if (stood)
            {
                try
                {
                    commitHook!.Committed(queued.HookState!);
                }
                catch (Exception)
                {
                    // durable already: a failed notification must not make the caller redo the commit
                }
            }

            queued.Done.TrySetResult(stood ? pending[0] : null);
        }
        catch (Exception ex)
        {
            await DropAsync(session);
            queued.Done.TrySetException(ex);
        }
    }

    /// <summary>
    /// The group in one transaction, optimistically without savepoints first (two statements fewer per commit on the single
    /// writer): a commit meeting a concurrent change is rare, and then the whole transaction is rolled back and the group
    /// written again with a savepoint per commit, so that only the failing commit fails. Returns, per commit, whether it
    /// stood, and the pending check's probes and hits.
    /// <para>
    /// The pending check runs inside the write transaction, just before COMMIT, rather than in a read of its own after it
    /// (one read transaction and its locks fewer per group). That sees everything it must because SQLite has one writer:
    /// a queued stimulus committed before this transaction took the write lock is visible to the check, and one that
    /// commits after it waits for this COMMIT, and its sender looks for waiting bookmarks only after that
    /// (<c>WorkflowRuntime.DeliverAsync</c>), so it finds this group's. Where writers run concurrently (PostgreSQL) the
    /// check stays after the commit.
    /// </para>
    /// </summary>
    private async Task<(bool[] Results, List<Probe> Probes, bool[] Hits)> WriteWithSavepointsAsync(StoreSession session, List<QueuedCommit> group)
    {
        var results = new bool[group.Count];
        var statements = group.ConvertAll(q => q.Statements); // values only: reusable for the second attempt
        await using (var optimistic = await session.Connection.BeginTransactionAsync())
        {
            var all = true;
            for (var i = 0; i < group.Count && all; i++)
            {
                all = await RunOrRefuseAsync(session, optimistic, statements[i]);
            }

            if (all)
            {
                Array.Fill(results, true);
                return await CheckAndCommitAsync(optimistic);
            }

            await optimistic.RollbackAsync();
            if (group.Count == 1)
            {
                return (results, [], []);
            }
        }

        await using var transaction = await session.Connection.BeginTransactionAsync();
        for (var i = 0; i < group.Count; i++)
        {
            await session.ExecuteAsync(Savepoint, transaction);
            results[i] = await RunOrRefuseAsync(session, transaction, statements[i]);
            if (!results[i])
            {
                await session.ExecuteAsync(RollbackToSavepoint, transaction);
            }

            await session.ExecuteAsync(ReleaseSavepoint, transaction);
        }

        if (!results.Any(r => r))
        {
            await transaction.RollbackAsync();
            return (results, [], []);
        }

        return await CheckAndCommitAsync(transaction);

        // The pending check for the commits that stood, inside the transaction, then COMMIT.
        async Task<(bool[] Results, List<Probe> Probes, bool[] Hits)> CheckAndCommitAsync(DbTransaction stood)
        {
            var probes = Probes(group, Enumerable.Range(0, group.Count).Where(i => results[i]));
            var hits = await ProbeAsync(session, probes, stood);
            await stood.CommitAsync();
            return (results, probes, hits);
        }
    }

    /// <summary>Runs one commit's statements one by one; false (the caller rolls it back) on a stale version, a missing row or a duplicate key.</summary>
    private static async Task<bool> RunOrRefuseAsync(StoreSession session, DbTransaction transaction, List<EfCommitWriter.Statement> statements)
    {
        try
        {
            foreach (var statement in statements)
            {
                var rows = await session.ExecuteAsync(statement, transaction);
                if (statement.ExpectOne && rows != 1)
                {
                    return false;
                }
            }

            return true;
        }
        catch (DbException ex) when (IsUniqueViolation(ex))
        {
            return false; // a duplicate inbox key (or any other key): someone else committed first
        }
    }

    /// <summary>
    /// Where statements go to a server in batches (PostgreSQL): BEGIN and the whole group's statements in one round trip,
    /// then COMMIT and the group's pending check in a second. If any commit meets a concurrent change (or a duplicate key,
    /// which aborts a PostgreSQL transaction), the group is rolled back and each commit is written again alone, so that
    /// only the failing one fails. Returns, per commit, whether it stood, and the pending check's probes and hits.
    /// </summary>
    private async Task<(bool[] Results, List<Probe> Probes, bool[] Hits)> WriteBatchedAsync(StoreSession session, List<QueuedCommit> group)
    {
        var results = new bool[group.Count];
        var statements = group.ConvertAll(q => q.Statements); // values only: reusable for the retry alone
        if (group.Count > 1)
        {
            var probes = Probes(group, Enumerable.Range(0, group.Count));
            if (await CommitBatchAsync(session, [.. statements.SelectMany(s => s)], probes) is { } hits)
            {
                Array.Fill(results, true);
                return (results, probes, hits);
            }
        }

        // Alone, so that only the failing commit fails.
        var allProbes = new List<Probe>();
        var allHits = new List<bool>();
        for (var i = 0; i < group.Count; i++)
        {
            var probes = Probes(group, [i]);
            if (await CommitBatchAsync(session, statements[i], probes) is { } hits)
            {
                results[i] = true;
                allProbes.AddRange(probes);
                allHits.AddRange(hits);
            }
        }

        return (results, allProbes, [.. allHits]);
    }

    /// <summary>
    /// BEGIN + the statements in one batch; if every statement that must touch one row did, COMMIT + the probes in a second
    /// batch and the probes' hits are returned; else ROLLBACK and null.
    /// </summary>
    private async Task<bool[]?> CommitBatchAsync(StoreSession session, List<EfCommitWriter.Statement> statements, List<Probe> probes)
    {
        int[] rows;
        try
        {
            rows = await session.ExecuteBatchAsync([Begin, .. statements]);
        }
        catch (DbException ex) when (IsUniqueViolation(ex))
        {
            await session.ExecuteBatchAsync([Rollback]);
            return null; // a duplicate inbox key (or any other key): someone else committed first
        }

        for (var i = 0; i < statements.Count; i++)
        {
            if (statements[i].ExpectOne && rows[i + 1] != 1)
            {
                await session.ExecuteBatchAsync([Rollback]);
                return null;
            }
        }

        if (probes.Count == 0)
        {
            await session.ExecuteBatchAsync([Commit]);
            return [];
        }

        return Hits(probes, await session.BatchIntsAsync([Commit, ProbeStatement(probes)]));
    }

    /// <summary>A queued stimulus to look for after a commit: the waiting bookmark a commit added (with its read time).</summary>
    private sealed record Probe(int Commit, Bookmark Waiting, DateTime NowUtc);

    /// <summary>The waiting bookmarks added by the given commits of the group, for the pending check after the commit.</summary>
    private static List<Probe> Probes(List<QueuedCommit> group, IEnumerable<int> commits)
    {
        var probes = new List<Probe>();
        foreach (var i in commits)
        {
            if (group[i].FindPendingAt is not { } now)
            {
                continue;
            }

            foreach (var waiting in group[i].Commit.AddedBookmarks)
            {
                if (waiting.StimulusType is not null)
                {
                    probes.Add(new Probe(i, waiting, now));
                }
            }
        }

        return probes;
    }

    private EfCommitWriter.Statement ProbeStatement(List<Probe> probes) =>
        _writer!.PendingExists([.. probes.Select(p => (p.Waiting.StimulusType!, p.Waiting.CorrelationKey ?? ""))], probes.Min(p => p.NowUtc)); // the earliest: a hit is re-read at each commit's own time

    /// <summary>The pending check on its own, one prepared query: inside a SQLite group's transaction, or after a hooked commit's.</summary>
    private async Task<bool[]> ProbeAsync(StoreSession session, List<Probe> probes, DbTransaction? transaction = null) =>
        probes.Count == 0 ? [] : Hits(probes, await session.IntsAsync(ProbeStatement(probes), transaction));

    private static bool[] Hits(List<Probe> probes, List<int> indexes)
    {
        var hits = new bool[probes.Count];
        foreach (var index in indexes)
        {
            hits[index] = true;
        }

        return hits;
    }

    /// <summary>After the group's transaction: for each commit that stood, the queued stimuli its added waiting bookmarks match (read in full only where the check hit).</summary>
    private async Task<IReadOnlyList<PendingStimulus>[]> ReadPendingAsync(StoreSession session, List<QueuedCommit> group, List<Probe> probes, bool[] hits)
    {
        var found = new IReadOnlyList<PendingStimulus>[group.Count];
        Array.Fill(found, []);
        for (var p = 0; p < probes.Count; p++)
        {
            if (hits[p])
            {
                var probe = probes[p];
                var rows = await ToListAsync(_pendingFor((TContext)session.Context, probe.Waiting.StimulusType!, probe.Waiting.CorrelationKey ?? "", probe.NowUtc), CancellationToken.None);
                found[probe.Commit] = [.. found[probe.Commit], .. rows];
            }
        }

        return found;
    }

    /// <summary>Closes a session after an error (its connection may be broken or mid-transaction).</summary>
    private static async Task DropAsync(StoreSession? session)
    {
        if (session is null)
        {
            return;
        }

        try
        {
            await session.DisposeAsync();
        }
        catch (DbException)
        {
            // a broken connection: nothing left to close
        }
    }

    private static readonly EfCommitWriter.Statement Begin = new("BEGIN");
    private static readonly EfCommitWriter.Statement Commit = new("COMMIT");
    private static readonly EfCommitWriter.Statement Rollback = new("ROLLBACK");
    private static readonly EfCommitWriter.Statement Savepoint = new("SAVEPOINT wf_commit");
    private static readonly EfCommitWriter.Statement RollbackToSavepoint = new("ROLLBACK TO SAVEPOINT wf_commit");
    private static readonly EfCommitWriter.Statement ReleaseSavepoint = new("RELEASE SAVEPOINT wf_commit");

    private sealed class QueuedCommit(WorkflowCommit commit, DateTime? findPendingAt, object? hookState, List<EfCommitWriter.Statement> statements)
    {
        public WorkflowCommit Commit { get; } = commit;

        /// <summary>The commit's statements, built before it queued; values only, so a second attempt runs them again.</summary>
        public List<EfCommitWriter.Statement> Statements { get; } = statements;

        public DateTime? FindPendingAt { get; } = findPendingAt;

        /// <summary>What the host's hook prepared for this commit; null: the hook has nothing to do (group commit).</summary>
        public object? HookState { get; } = hookState;

        public TaskCompletionSource<IReadOnlyList<PendingStimulus>?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async Task<IReadOnlyList<JournalEntry>> GetJournalAsync(InstanceId id, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        return await db.Set<JournalEntry>().AsNoTracking().Where(j => j.InstanceId == id).OrderBy(j => j.Sequence).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Incident>> GetIncidentsAsync(InstanceId id, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        return await db.Set<Incident>().AsNoTracking().Where(i => i.InstanceId == id).OrderBy(i => i.AtUtc).ThenBy(i => i.Attempt).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxMessage>> GetUndispatchedAsync(int max, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        return await db.Set<OutboxMessage>().AsNoTracking().Where(o => o.DispatchedUtc == null).OrderBy(o => o.CreatedUtc).Take(max).ToListAsync(cancellationToken);
    }

    public async Task MarkDispatchedAsync(IReadOnlyCollection<Guid> ids, DateTime dispatchedUtc, CancellationToken cancellationToken = default)
    {
        await using var db = createContext();
        DateTime? at = dispatchedUtc;
        await db.Set<OutboxMessage>().Where(o => ids.Contains(o.Id)).ExecuteUpdateAsync(s => s.SetProperty(o => o.DispatchedUtc, at), cancellationToken);
    }

    /// <summary>A unique-key violation, told apart without provider packages: SQLSTATE 23505 (PostgreSQL) or SQLite's message.</summary>
    private static bool IsUniqueViolation(System.Data.Common.DbException ex) =>
        ex.SqlState == "23505" || ex.Message.Contains("UNIQUE constraint failed", StringComparison.Ordinal);

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> rows, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            list.Add(row);
        }

        return list;
    }

    private async Task<IReadOnlyList<Bookmark>> BookmarksAsync(Func<IQueryable<Bookmark>, IQueryable<Bookmark>> query, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await query(db.Set<Bookmark>().AsNoTracking()).ToListAsync(cancellationToken);
    }
}
