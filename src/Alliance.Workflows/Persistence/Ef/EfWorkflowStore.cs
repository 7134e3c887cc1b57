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

        await using var db = createContext();
        await db.Database.OpenConnectionAsync(cancellationToken); // one open for the commit and the read after it
        var writer = _writer ??= new EfCommitWriter(db);
        var serialise = _isSqlite ??= db.Database.ProviderName?.Contains("Sqlite", StringComparison.OrdinalIgnoreCase) == true;
        if (serialise)
        {
            // SQLite has one writer: queueing commits here is far cheaper than its busy-retry back-off.
            await _sqliteWriter.WaitAsync(cancellationToken);
        }

        var written = false;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                written = await writer.WriteAsync(db.Database.GetDbConnection(), transaction.GetDbTransaction(), commit, cancellationToken);
            }
            catch (System.Data.Common.DbException ex) when (IsUniqueViolation(ex))
            {
                // A duplicate inbox key (or any other key): someone else committed first.
                written = false;
            }

            if (written)
            {
                await transaction.CommitAsync(cancellationToken);
            }
            else
            {
                await transaction.RollbackAsync(CancellationToken.None);
            }
        }
        finally
        {
            if (serialise)
            {
                _sqliteWriter.Release();
            }

            if (!written)
            {
                foreach (var write in commit.Instances)
                {
                    write.Instance.Version = write.ExpectedVersion ?? 0;
                }
            }
        }

        if (!written)
        {
            // A stale version, an already-removed row or a duplicate inbox key: someone else committed first.
            throw new WorkflowConcurrencyException("the instance changed concurrently; reload and retry");
        }

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
