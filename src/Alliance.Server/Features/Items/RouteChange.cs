using Alliance.Workflows;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;

namespace Alliance.Server.Features.Items;

/// <summary>
/// One route instance's part of a runtime commit, as the item projection reads it: the instance as committed, the human
/// tasks it opened or changed, the bookmarks it removed, its journal rows and the child routes it started. The
/// projection needs nothing else: it never reads the runtime's tables.
/// </summary>
public sealed record RouteChange(
    WorkflowInstance Instance,
    IReadOnlyList<Bookmark> OpenedOrChanged,
    IReadOnlySet<Guid> Removed,
    IReadOnlyList<JournalEntry> Journal,
    IReadOnlyList<RouteChange> NewChildren)
{
    /// <summary>True when this commit started the instance (its first commit).</summary>
    public bool IsStart { get; init; }

    public static RouteChange Of(WorkflowCommit commit, InstanceId id)
    {
        ArgumentNullException.ThrowIfNull(commit);
        var write = commit.Instances.First(w => w.Instance.Id == id);
        var instance = write.Instance;
        return new RouteChange(
            instance,
            [.. commit.AddedBookmarks.Concat(commit.UpdatedBookmarks).Where(b => b.InstanceId == id && b.Kind == BookmarkKind.HumanTask).OrderBy(b => b.CreatedUtc)],
            commit.RemovedBookmarks.Select(b => b.Value).ToHashSet(),
            [.. commit.Journal.Where(j => j.InstanceId == id).OrderBy(j => j.AtUtc).ThenBy(j => j.Sequence)],
            [.. commit.Instances.Where(w => w.ExpectedVersion is null && w.Instance.ParentInstanceId == id).Select(w => Of(commit, w.Instance.Id))])
        {
            IsStart = write.ExpectedVersion is null,
        };
    }

    /// <summary>True for an instance this commit started as the child of another instance of the same commit (its parent's projection adopts it).</summary>
    public static bool IsAdoptedIn(WorkflowCommit commit, InstanceWrite write)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentNullException.ThrowIfNull(write);
        return write.ExpectedVersion is null && write.Instance.ParentInstanceId is { } parent && commit.Instances.Any(w => w.Instance.Id == parent);
    }
}
