using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Alliance.Workflows.Persistence.Ef;

/// <summary>
/// The EF Core store over the host's DbContext (which must call <c>ApplyWorkflowModel()</c>). Each call uses a fresh
/// context from the factory; <see cref="CommitAsync"/> is one SaveChanges, hence one transaction on every provider.
/// </summary>
public sealed class EfWorkflowStore<TContext>(Func<TContext> createContext) : IWorkflowStore, IDisposable
    where TContext : DbContext
{
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);
    private const int MaxGroupCommit = 64;
    private readonly System.Collections.Concurrent.ConcurrentQueue<QueuedCommit> _sqliteQueue = new();
    private EfCommitWriter? _writer;
    private bool? _isSqlite;

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

    private readonly Func<TContext, string, string, IAsyncEnumerable<InstanceId>> _instancesWaitingFor =
        EF.CompileAsyncQuery((TContext db, string type, string key) => db.Set<Bookmark>().Where(b => b.StimulusType == type && b.CorrelationKey == key).Select(b => b.InstanceId).Distinct());

    private readonly Func<TContext, string, string, DateTime, IAsyncEnumerable<PendingStimulus>> _pendingFor =
        EF.CompileAsyncQuery<TContext, string, string, DateTime, PendingStimulus>((TContext db, string type, string key, DateTime now) => db.Set<PendingStimulus>().AsNoTracking()
            .Where(p => p.DeadLetteredUtc == null && p.ExpiresUtc > now && p.StimulusType == type && p.CorrelationKey == key)
            .OrderBy(p => p.ReceivedUtc));

    public void Dispose() => _sqliteWriter.Dispose();

    public EfWorkflowStore(IDbContextFactory<TContext> factory)
        : this(() => factory.CreateDbContext())
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
        await using var db = createContext();
        return await ToListAsync(_instancesWaitingFor(db, stimulusType, correlationKey), cancellationToken);
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

    /// <summary>The commit, then the queued stimuli its waiting bookmarks match, read after the commit with the same context and connection.</summary>
    public Task<IReadOnlyList<PendingStimulus>> CommitAndFindPendingAsync(WorkflowCommit commit, DateTime nowUtc, CancellationToken cancellationToken = default) =>
        CommitCoreAsync(commit, nowUtc, cancellationToken);

    private async Task<IReadOnlyList<PendingStimulus>> CommitCoreAsync(WorkflowCommit commit, DateTime? findPendingAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        foreach (var write in commit.Instances)
        {
            write.Instance.Version = write.ExpectedVersion is { } expected ? expected + 1 : 1;
        }

        IReadOnlyList<PendingStimulus>? found = null;
        try
        {
            if (_isSqlite is null)
            {
                await using var probe = createContext();
                _isSqlite = probe.Database.ProviderName?.Contains("Sqlite", StringComparison.OrdinalIgnoreCase) == true;
            }

            found = _isSqlite == true
                ? await CommitQueuedAsync(new QueuedCommit(commit, findPendingAt))
                : await CommitOneAsync(commit, findPendingAt, cancellationToken);
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

    /// <summary>One commit in its own transaction, then the read after it on the same connection; null on a concurrent change.</summary>
    private async Task<IReadOnlyList<PendingStimulus>?> CommitOneAsync(WorkflowCommit commit, DateTime? findPendingAt, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        await db.Database.OpenConnectionAsync(cancellationToken); // one open for the commit and the read after it
        var writer = _writer ??= new EfCommitWriter(db);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (!await WriteOrRefuseAsync(writer, db, transaction.GetDbTransaction(), commit, cancellationToken))
            {
                await transaction.RollbackAsync(CancellationToken.None);
                return null;
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return await FindPendingAfterAsync(db, commit, findPendingAt, cancellationToken);
    }

    /// <summary>
    /// SQLite has one writer, so commits queue here (far cheaper than its busy-retry back-off), and whoever holds the writer
    /// writes every commit queued meanwhile in one transaction (group commit: one WAL append and sync for the lot). Each commit
    /// is still all-or-nothing: it runs in its own savepoint, and one that meets a concurrent change is rolled back alone.
    /// Nobody returns before the transaction holding their commit is durable.
    /// </summary>
    private async Task<IReadOnlyList<PendingStimulus>?> CommitQueuedAsync(QueuedCommit mine)
    {
        _sqliteQueue.Enqueue(mine);
        while (!mine.Done.Task.IsCompleted)
        {
            // Not cancellable once queued: the commit may already be part of a group being written.
            await _sqliteWriter.WaitAsync(CancellationToken.None);
            try
            {
                if (!mine.Done.Task.IsCompleted)
                {
                    var group = new List<QueuedCommit>();
                    while (group.Count < MaxGroupCommit && _sqliteQueue.TryDequeue(out var next))
                    {
                        group.Add(next);
                    }

                    await WriteGroupAsync(group);
                }
            }
            finally
            {
                _sqliteWriter.Release();
            }
        }

        return await mine.Done.Task;
    }

    private async Task WriteGroupAsync(List<QueuedCommit> group)
    {
        var results = new bool[group.Count];
        try
        {
            await using var db = createContext();
            await db.Database.OpenConnectionAsync();
            var writer = _writer ??= new EfCommitWriter(db);
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                var tx = transaction.GetDbTransaction();
                if (group.Count == 1)
                {
                    results[0] = await WriteOrRefuseAsync(writer, db, tx, group[0].Commit, CancellationToken.None);
                }
                else
                {
                    for (var i = 0; i < group.Count; i++)
                    {
                        await tx.SaveAsync("wf_commit");
                        results[i] = await WriteOrRefuseAsync(writer, db, tx, group[i].Commit, CancellationToken.None);
                        if (!results[i])
                        {
                            await tx.RollbackAsync("wf_commit");
                        }

                        await tx.ReleaseAsync("wf_commit");
                    }
                }

                if (results.Any(r => r))
                {
                    await transaction.CommitAsync();
                }
                else
                {
                    await transaction.RollbackAsync();
                }
            }

            for (var i = 0; i < group.Count; i++)
            {
                group[i].Done.TrySetResult(results[i] ? await FindPendingAfterAsync(db, group[i].Commit, group[i].FindPendingAt, CancellationToken.None) : null);
            }
        }
        catch (Exception ex)
        {
            foreach (var queued in group)
            {
                queued.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>Writes the commit in the transaction; false (the caller rolls back) on a stale version, a missing row or a duplicate key.</summary>
    private static async Task<bool> WriteOrRefuseAsync(EfCommitWriter writer, TContext db, System.Data.Common.DbTransaction transaction, WorkflowCommit commit, CancellationToken cancellationToken)
    {
        try
        {
            return await writer.WriteAsync(db.Database.GetDbConnection(), transaction, commit, cancellationToken);
        }
        catch (System.Data.Common.DbException ex) when (IsUniqueViolation(ex))
        {
            return false; // a duplicate inbox key (or any other key): someone else committed first
        }
    }

    /// <summary>After a commit: the queued stimuli that its added waiting bookmarks match.</summary>
    private async Task<IReadOnlyList<PendingStimulus>> FindPendingAfterAsync(TContext db, WorkflowCommit commit, DateTime? findPendingAt, CancellationToken cancellationToken)
    {
        if (findPendingAt is not { } now)
        {
            return [];
        }

        List<PendingStimulus>? found = null;
        foreach (var waiting in commit.AddedBookmarks)
        {
            if (waiting.StimulusType is not null)
            {
                (found ??= []).AddRange(await ToListAsync(_pendingFor(db, waiting.StimulusType, waiting.CorrelationKey ?? "", now), cancellationToken));
            }
        }

        return found ?? [];
    }

    private sealed class QueuedCommit(WorkflowCommit commit, DateTime? findPendingAt)
    {
        public WorkflowCommit Commit { get; } = commit;

        public DateTime? FindPendingAt { get; } = findPendingAt;

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
