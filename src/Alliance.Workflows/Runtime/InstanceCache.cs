using System.Collections.Concurrent;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;

namespace Alliance.Workflows.Runtime;

/// <summary>
/// The last committed state of recently resumed instances, so that a resume can skip its read. It is only a
/// guess: a resume that used it must commit (the version check catches any change made elsewhere), and
/// anything else (a refusal, a no-op, a conflict) is redone from the store.
/// An entry holds the committed objects themselves (the runtime never touches them after their commit); every resume
/// gets its own copy to change.
/// </summary>
internal sealed class InstanceCache(int capacity)
{
    private readonly ConcurrentDictionary<InstanceId, InstanceSnapshot> _entries = new();

    /// <summary>A copy of the cached instance to change; <paramref name="stored"/> is the entry itself (as committed, never to be changed).</summary>
    public InstanceSnapshot? TryGet(InstanceId id, out InstanceSnapshot? stored)
    {
        if (!_entries.TryGetValue(id, out stored))
        {
            return null;
        }

        return new InstanceSnapshot(stored.Instance.Clone(), [.. stored.Bookmarks.Select(b => b.Clone())], false);
    }

    /// <summary>Keeps a just-committed instance and its bookmarks; the caller must not change them afterwards.</summary>
    public void Put(WorkflowInstance instance, IEnumerable<Bookmark> bookmarks)
    {
        if (capacity <= 0)
        {
            return;
        }

        if (instance.IsClosed)
        {
            Evict(instance.Id);
            return;
        }

        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        _entries[instance.Id] = new InstanceSnapshot(instance, [.. bookmarks], false);
    }

    public void Evict(InstanceId id) => _entries.TryRemove(id, out _);
}
