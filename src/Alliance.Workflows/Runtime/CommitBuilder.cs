using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;

namespace Alliance.Workflows.Runtime;

/// <summary>Collects the changes of one resume (possibly several instances: a parent and the children it starts).</summary>
internal sealed class CommitBuilder
{
    private readonly Dictionary<InstanceId, InstanceWrite> _instances = [];
    private readonly Dictionary<BookmarkId, Bookmark> _added = [];
    private readonly Dictionary<BookmarkId, Bookmark> _updated = [];
    private readonly Dictionary<BookmarkId, Bookmark> _removed = [];
    private static long _sequence = DateTime.UtcNow.Ticks;

    public List<JournalEntry> Journal { get; } = [];

    public List<Incident> AddedIncidents { get; } = [];

    public List<Incident> UpdatedIncidents { get; } = [];

    public List<OutboxMessage> Outbox { get; } = [];

    public List<ProcessedStimulus> Processed { get; } = [];

    public List<PendingStimulus> AddedPending { get; } = [];

    public List<string> ConsumedPending { get; } = [];

    public IEnumerable<Bookmark> Added => _added.Values;

    public IEnumerable<Bookmark> Removed => _removed.Values;

    public bool IsEmpty => _instances.Count == 0;

    /// <summary>The instance and bookmarks as committed before this resume, when the runtime had them cached (see <see cref="InstanceWrite.Stored"/>).</summary>
    public InstanceSnapshot? Stored { get; set; }

    /// <summary>The caller's context, carried to the store with the commit.</summary>
    public CommitContext? Context { get; init; }

    public void Write(WorkflowInstance instance, int? expectedVersion) =>
        _instances[instance.Id] = new InstanceWrite(instance, expectedVersion);

    public void Add(Bookmark bookmark) => _added[bookmark.Id] = bookmark;

    public void Update(Bookmark bookmark)
    {
        if (!_added.ContainsKey(bookmark.Id))
        {
            _updated[bookmark.Id] = bookmark;
        }
    }

    public void Remove(Bookmark bookmark)
    {
        if (!_added.Remove(bookmark.Id))
        {
            _updated.Remove(bookmark.Id);
            _removed[bookmark.Id] = bookmark;
        }
    }

    /// <summary>A process-wide increasing number that orders journal rows written in the same instant.</summary>
    public static long NextSequence() => Interlocked.Increment(ref _sequence);

    public Mark Snapshot() => new(_added.Keys.ToList(), Journal.Count, Outbox.Count, AddedPending.Count);

    public void RollBack(Mark mark)
    {
        foreach (var id in _added.Keys.Except(mark.Added).ToList())
        {
            _added.Remove(id);
        }

        Journal.RemoveRange(mark.Journal, Journal.Count - mark.Journal);
        Outbox.RemoveRange(mark.Outbox, Outbox.Count - mark.Outbox);
        AddedPending.RemoveRange(mark.Pending, AddedPending.Count - mark.Pending);
    }

    public WorkflowCommit Build() => new(
        [.. _instances.Values.Select(w => Stored is { } stored && w.ExpectedVersion is { } expected && w.Instance.Id == stored.Instance.Id && stored.Instance.Version == expected
            ? w with { Stored = stored.Instance }
            : w)],
        [.. _added.Values],
        [.. _updated.Values],
        [.. _removed.Keys],
        [.. Journal],
        [.. AddedIncidents],
        [.. UpdatedIncidents],
        [.. Outbox],
        [.. Processed],
        [.. AddedPending],
        [.. ConsumedPending])
    {
        StoredBookmarks = Stored?.Bookmarks,
        Context = Context,
    };

    internal sealed record Mark(List<BookmarkId> Added, int Journal, int Outbox, int Pending);
}
