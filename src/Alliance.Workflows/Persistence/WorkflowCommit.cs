using Alliance.Workflows.Model;

namespace Alliance.Workflows.Persistence;

/// <summary>
/// An instance to insert (<see cref="ExpectedVersion"/> null) or update if its stored version still equals <see cref="ExpectedVersion"/>.
/// <see cref="Stored"/>, where the runtime has it, is the row as it was committed at <see cref="ExpectedVersion"/>: a store may
/// then write only what differs from it (the version check still refuses the write if the row changed meanwhile).
/// </summary>
public sealed record InstanceWrite(WorkflowInstance Instance, int? ExpectedVersion, WorkflowInstance? Stored = null);

/// <summary>
/// Everything one resume changes, written by the store in ONE transaction: instances, bookmarks, journal,
/// incidents, outbox, inbox and pending stimuli. A version mismatch or an already-removed bookmark or pending
/// stimulus must throw <see cref="Runtime.WorkflowConcurrencyException"/> and write nothing.
/// </summary>
public sealed record WorkflowCommit(
    IReadOnlyList<InstanceWrite> Instances,
    IReadOnlyList<Bookmark> AddedBookmarks,
    IReadOnlyList<Bookmark> UpdatedBookmarks,
    IReadOnlyList<BookmarkId> RemovedBookmarks,
    IReadOnlyList<JournalEntry> Journal,
    IReadOnlyList<Incident> AddedIncidents,
    IReadOnlyList<Incident> UpdatedIncidents,
    IReadOnlyList<OutboxMessage> Outbox,
    IReadOnlyList<ProcessedStimulus> Processed,
    IReadOnlyList<PendingStimulus> AddedPending,
    IReadOnlyList<string> ConsumedPending)
{
    /// <summary>
    /// Where the runtime has them, the bookmarks of the updated instance as committed at its expected version (a store that
    /// rewrites a removed bookmark's row into an added one may then write only the columns that differ). Null: unknown.
    /// </summary>
    public IReadOnlyList<Bookmark>? StoredBookmarks { get; init; }

    /// <summary>What the runtime's caller said about this commit (null for commits nobody asked for by name: timers, follow-ups).</summary>
    public CommitContext? Context { get; init; }
}
