using Alliance.Workflows.Model;

namespace Alliance.Workflows.Persistence;

/// <summary>Which open human tasks to list. Null criteria match everything.</summary>
public sealed record HumanTaskQuery(string? Role = null, string? OrganisationId = null, string? AssignedTo = null, InstanceId? InstanceId = null);

/// <summary>An instance with its bookmarks, and whether a given stimulus was already applied to it, read together.</summary>
public sealed record InstanceSnapshot(WorkflowInstance Instance, IReadOnlyList<Bookmark> Bookmarks, bool StimulusProcessed);

/// <summary>
/// Persistence of instances, bookmarks, journal, incidents, outbox, inbox and pending stimuli.
/// <see cref="CommitAsync"/> writes one resume atomically (see <see cref="WorkflowCommit"/>).
/// </summary>
public interface IWorkflowStore
{
    Task<WorkflowInstance?> FindInstanceAsync(InstanceId id, CancellationToken cancellationToken = default);

    /// <summary>Reads what one resume needs in one go: the instance, its bookmarks and the inbox entry for <paramref name="stimulusId"/>.</summary>
    Task<InstanceSnapshot?> LoadAsync(InstanceId id, string? stimulusId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Bookmark>> GetBookmarksAsync(InstanceId id, CancellationToken cancellationToken = default);

    Task<Bookmark?> FindBookmarkAsync(BookmarkId id, CancellationToken cancellationToken = default);

    /// <summary>Bookmarks waiting for a stimulus of this type and correlation key.</summary>
    Task<IReadOnlyList<Bookmark>> FindBookmarksAsync(string stimulusType, string correlationKey, CancellationToken cancellationToken = default);

    /// <summary>The instances with a bookmark waiting for a stimulus of this type and correlation key (what delivery needs first).</summary>
    async Task<IReadOnlyList<InstanceId>> FindWaitingInstancesAsync(string stimulusType, string correlationKey, CancellationToken cancellationToken = default) =>
        [.. (await FindBookmarksAsync(stimulusType, correlationKey, cancellationToken)).Select(b => b.InstanceId).Distinct()];

    /// <summary>Every timer bookmark (for re-arming on start-up), earliest first.</summary>
    Task<IReadOnlyList<Bookmark>> ListTimersAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Bookmark>> QueryHumanTasksAsync(HumanTaskQuery query, CancellationToken cancellationToken = default);

    /// <summary>True when the stimulus id was applied to this instance (or, with null, to any instance).</summary>
    Task<bool> IsProcessedAsync(string stimulusId, InstanceId? instanceId, CancellationToken cancellationToken = default);

    /// <summary>Queues an early stimulus; false when one with that id is already queued or dead-lettered.</summary>
    Task<bool> AddPendingAsync(PendingStimulus stimulus, CancellationToken cancellationToken = default);

    /// <summary>Queued stimuli of this type and key that are neither dead-lettered nor expired at <paramref name="nowUtc"/>, oldest first.</summary>
    Task<IReadOnlyList<PendingStimulus>> FindPendingAsync(string stimulusType, string correlationKey, DateTime nowUtc, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PendingStimulus>> ListPendingAsync(bool deadLetters, CancellationToken cancellationToken = default);

    /// <summary>Moves queued stimuli whose TTL passed to the dead letters; returns how many.</summary>
    Task<int> DeadLetterExpiredAsync(DateTime nowUtc, CancellationToken cancellationToken = default);

    /// <summary>Puts a dead letter back in the queue with a new expiry; null if there is no such dead letter.</summary>
    Task<PendingStimulus?> ReviveDeadLetterAsync(string stimulusId, DateTime expiresUtc, CancellationToken cancellationToken = default);

    Task CommitAsync(WorkflowCommit commit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits as <see cref="CommitAsync"/>, then returns the queued stimuli that match the added bookmarks waiting for a
    /// stimulus (as <see cref="FindPendingAsync"/> for each). The check must see every stimulus whose queueing committed
    /// before the bookmark became visible — after the commit, or inside it where writers are serialised (SQLite) — so that
    /// a stimulus queued while the bookmark was not yet committed is found by one side or the other. A store may do both
    /// on one connection.
    /// </summary>
    async Task<IReadOnlyList<PendingStimulus>> CommitAndFindPendingAsync(WorkflowCommit commit, DateTime nowUtc, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        await CommitAsync(commit, cancellationToken);
        var found = new List<PendingStimulus>();
        foreach (var waiting in commit.AddedBookmarks.Where(b => b.StimulusType is not null))
        {
            found.AddRange(await FindPendingAsync(waiting.StimulusType!, waiting.CorrelationKey ?? "", nowUtc, cancellationToken));
        }

        return found;
    }

    Task<IReadOnlyList<JournalEntry>> GetJournalAsync(InstanceId id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Incident>> GetIncidentsAsync(InstanceId id, CancellationToken cancellationToken = default);

    /// <summary>Outbox rows not yet dispatched, oldest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> GetUndispatchedAsync(int max, CancellationToken cancellationToken = default);

    Task MarkDispatchedAsync(IReadOnlyCollection<Guid> ids, DateTime dispatchedUtc, CancellationToken cancellationToken = default);
}
