using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Persistence;

/// <summary>A store in memory (dry runs, tests). Commits are atomic under one lock and copy everything in and out.</summary>
public sealed class InMemoryWorkflowStore : IWorkflowStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<InstanceId, WorkflowInstance> _instances = [];
    private readonly Dictionary<BookmarkId, Bookmark> _bookmarks = [];
    private readonly List<JournalEntry> _journal = [];
    private readonly Dictionary<Guid, Incident> _incidents = [];
    private readonly Dictionary<Guid, OutboxMessage> _outbox = [];
    private readonly HashSet<(string, InstanceId)> _processed = [];
    private readonly HashSet<string> _processedIds = [];
    private readonly Dictionary<string, PendingStimulus> _pending = [];

    /// <summary>Every outbox row, for inspection.</summary>
    public IReadOnlyList<OutboxMessage> Outbox
    {
        get
        {
            lock (_lock)
            {
                return [.. _outbox.Values.OrderBy(o => o.CreatedUtc)];
            }
        }
    }

    public Task<WorkflowInstance?> FindInstanceAsync(InstanceId id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_instances.GetValueOrDefault(id)?.Clone());
        }
    }

    public Task<InstanceSnapshot?> LoadAsync(InstanceId id, string? stimulusId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var instance = _instances.GetValueOrDefault(id)?.Clone();
            return Task.FromResult(instance is null
                ? null
                : new InstanceSnapshot(instance, SelectCore(b => b.InstanceId == id), stimulusId is not null && _processed.Contains((stimulusId, id))));
        }
    }

    public Task<IReadOnlyList<Bookmark>> GetBookmarksAsync(InstanceId id, CancellationToken cancellationToken = default) =>
        Select(b => b.InstanceId == id);

    public Task<Bookmark?> FindBookmarkAsync(BookmarkId id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_bookmarks.GetValueOrDefault(id)?.Clone());
        }
    }

    public Task<IReadOnlyList<Bookmark>> FindBookmarksAsync(string stimulusType, string correlationKey, CancellationToken cancellationToken = default) =>
        Select(b => b.StimulusType == stimulusType && b.CorrelationKey == correlationKey);

    public async Task<IReadOnlyList<Bookmark>> ListTimersAsync(CancellationToken cancellationToken = default) =>
        [.. (await Select(b => b.Kind == BookmarkKind.Timer)).OrderBy(b => b.DueUtc)];

    public Task<IReadOnlyList<Bookmark>> QueryHumanTasksAsync(HumanTaskQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Select(b => b.Kind == BookmarkKind.HumanTask
            && (query.Role is null || b.CandidateRole == query.Role)
            && (query.OrganisationId is null || b.IsCandidateOrganisation(query.OrganisationId))
            && (query.AssignedTo is null || b.ClaimedBy == query.AssignedTo || b.DelegatedTo == query.AssignedTo)
            && (query.InstanceId is null || b.InstanceId == query.InstanceId));
    }

    public Task<bool> IsProcessedAsync(string stimulusId, InstanceId? instanceId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(instanceId is { } id
                ? _processed.Contains((stimulusId, id))
                : _processedIds.Contains(stimulusId));
        }
    }

    public Task<bool> AddPendingAsync(PendingStimulus stimulus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stimulus);
        lock (_lock)
        {
            return Task.FromResult(_pending.TryAdd(stimulus.StimulusId, Copy(stimulus)));
        }
    }

    public Task<IReadOnlyList<PendingStimulus>> FindPendingAsync(string stimulusType, string correlationKey, DateTime nowUtc, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<PendingStimulus> found = [.. _pending.Values
                .Where(p => p.DeadLetteredUtc is null && p.ExpiresUtc > nowUtc && p.StimulusType == stimulusType && p.CorrelationKey == correlationKey)
                .OrderBy(p => p.ReceivedUtc).Select(Copy)];
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<PendingStimulus>> ListPendingAsync(bool deadLetters, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<PendingStimulus> found = [.. _pending.Values
                .Where(p => (p.DeadLetteredUtc is not null) == deadLetters).OrderBy(p => p.ReceivedUtc).Select(Copy)];
            return Task.FromResult(found);
        }
    }

    public Task<int> DeadLetterExpiredAsync(DateTime nowUtc, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var expired = _pending.Values.Where(p => p.DeadLetteredUtc is null && p.ExpiresUtc <= nowUtc).ToList();
            expired.ForEach(p => p.DeadLetteredUtc = nowUtc);
            return Task.FromResult(expired.Count);
        }
    }

    public Task<PendingStimulus?> ReviveDeadLetterAsync(string stimulusId, DateTime expiresUtc, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue(stimulusId, out var dead) || dead.DeadLetteredUtc is null)
            {
                return Task.FromResult<PendingStimulus?>(null);
            }

            dead.DeadLetteredUtc = null;
            dead.ExpiresUtc = expiresUtc;
            return Task.FromResult<PendingStimulus?>(Copy(dead));
        }
    }

    public Task CommitAsync(WorkflowCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        lock (_lock)
        {
            Check(commit);
            foreach (var write in commit.Instances)
            {
                write.Instance.Version = (write.ExpectedVersion ?? 0) + 1;
                _instances[write.Instance.Id] = write.Instance.Clone();
            }

            foreach (var id in commit.RemovedBookmarks)
            {
                _bookmarks.Remove(id);
            }

            foreach (var bookmark in commit.AddedBookmarks.Concat(commit.UpdatedBookmarks))
            {
                _bookmarks[bookmark.Id] = bookmark.Clone();
            }

            _journal.AddRange(commit.Journal);
            foreach (var incident in commit.AddedIncidents.Concat(commit.UpdatedIncidents))
            {
                _incidents[incident.Id] = incident;
            }

            foreach (var message in commit.Outbox)
            {
                _outbox[message.Id] = message;
            }

            foreach (var processed in commit.Processed)
            {
                _processed.Add((processed.StimulusId, processed.InstanceId));
                _processedIds.Add(processed.StimulusId);
            }

            foreach (var consumed in commit.ConsumedPending)
            {
                _pending.Remove(consumed);
            }

            foreach (var pending in commit.AddedPending)
            {
                _pending.TryAdd(pending.StimulusId, Copy(pending));
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<JournalEntry>> GetJournalAsync(InstanceId id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<JournalEntry> entries = [.. _journal.Where(j => j.InstanceId == id).OrderBy(j => j.AtUtc).ThenBy(j => j.Sequence)];
            return Task.FromResult(entries);
        }
    }

    public Task<IReadOnlyList<Incident>> GetIncidentsAsync(InstanceId id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<Incident> incidents = [.. _incidents.Values.Where(i => i.InstanceId == id).OrderBy(i => i.AtUtc).ThenBy(i => i.Attempt)];
            return Task.FromResult(incidents);
        }
    }

    public Task<IReadOnlyList<OutboxMessage>> GetUndispatchedAsync(int max, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<OutboxMessage> rows = [.. _outbox.Values.Where(o => o.DispatchedUtc is null).OrderBy(o => o.CreatedUtc).Take(max)];
            return Task.FromResult(rows);
        }
    }

    public Task MarkDispatchedAsync(IReadOnlyCollection<Guid> ids, DateTime dispatchedUtc, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (_lock)
        {
            foreach (var id in ids)
            {
                if (_outbox.TryGetValue(id, out var row))
                {
                    row.DispatchedUtc = dispatchedUtc;
                }
            }
        }

        return Task.CompletedTask;
    }

    private void Check(WorkflowCommit commit)
    {
        foreach (var write in commit.Instances)
        {
            var stored = _instances.GetValueOrDefault(write.Instance.Id);
            if (write.ExpectedVersion is null ? stored is not null : stored?.Version != write.ExpectedVersion)
            {
                throw new WorkflowConcurrencyException($"instance {write.Instance.Id} changed concurrently");
            }
        }

        if (commit.RemovedBookmarks.Any(id => !_bookmarks.ContainsKey(id)) || commit.UpdatedBookmarks.Any(b => !_bookmarks.ContainsKey(b.Id)))
        {
            throw new WorkflowConcurrencyException("a bookmark was consumed concurrently");
        }

        if (commit.ConsumedPending.Any(id => !_pending.ContainsKey(id)))
        {
            throw new WorkflowConcurrencyException("a pending stimulus was consumed concurrently");
        }

        if (commit.Processed.Any(p => _processed.Contains((p.StimulusId, p.InstanceId))))
        {
            throw new WorkflowConcurrencyException("the stimulus was processed concurrently");
        }
    }

    private IReadOnlyList<Bookmark> SelectCore(Func<Bookmark, bool> predicate) =>
        [.. _bookmarks.Values.Where(predicate).OrderBy(b => b.CreatedUtc).Select(b => b.Clone())];

    private Task<IReadOnlyList<Bookmark>> Select(Func<Bookmark, bool> predicate)
    {
        lock (_lock)
        {
            return Task.FromResult(SelectCore(predicate));
        }
    }

    private static PendingStimulus Copy(PendingStimulus p) => new()
    {
        StimulusId = p.StimulusId,
        StimulusType = p.StimulusType,
        CorrelationKey = p.CorrelationKey,
        PayloadJson = p.PayloadJson,
        ReceivedUtc = p.ReceivedUtc,
        ExpiresUtc = p.ExpiresUtc,
        DeadLetteredUtc = p.DeadLetteredUtc,
    };
}
