using Alliance.Workflows.Model;

namespace Alliance.Workflows.Persistence;

/// <summary>An instance to insert (<see cref="ExpectedVersion"/> null) or update if its stored version still equals <see cref="ExpectedVersion"/>.</summary>
public sealed record InstanceWrite(WorkflowInstance Instance, int? ExpectedVersion);

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
    IReadOnlyList<string> ConsumedPending);
