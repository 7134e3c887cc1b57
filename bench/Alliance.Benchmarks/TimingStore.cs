using System.Collections.Concurrent;
using System.Diagnostics;
using Alliance.Workflows;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;

namespace Alliance.Benchmarks;

/// <summary>With --timings: wall time of each store call during a run (a diagnostic; it costs a little itself).</summary>
internal sealed class TimingStore(IWorkflowStore inner) : IWorkflowStore
{
    public static readonly ConcurrentDictionary<string, (long Count, double Ms, double Max)> Stats = new();

    public static bool Enabled { get; set; }

    public static IWorkflowStore Wrap(IWorkflowStore store) => Enabled ? new TimingStore(store) : store;

    private static async Task<T> Time<T>(string name, Func<Task<T>> f)
    {
        var s = Stopwatch.GetTimestamp();
        try { return await f(); }
        finally
        {
            var ms = Stopwatch.GetElapsedTime(s).TotalMilliseconds;
            Stats.AddOrUpdate(name, (1, ms, ms), (_, v) => (v.Count + 1, v.Ms + ms, Math.Max(v.Max, ms)));
        }
    }

    public static void Dump()
    {
        if (!Enabled)
        {
            return;
        }

        foreach (var (k, v) in Stats.OrderBy(k => k.Key)) Console.WriteLine($"  {k}: n={v.Count} mean={v.Ms / v.Count:F3}ms max={v.Max:F1}");
        Stats.Clear();
    }

    public Task<WorkflowInstance?> FindInstanceAsync(InstanceId id, CancellationToken c = default) => Time("FindInstance", () => inner.FindInstanceAsync(id, c));
    public Task<InstanceSnapshot?> LoadAsync(InstanceId id, string? s, CancellationToken c = default) => Time("Load", () => inner.LoadAsync(id, s, c));
    public Task<IReadOnlyList<Bookmark>> GetBookmarksAsync(InstanceId id, CancellationToken c = default) => inner.GetBookmarksAsync(id, c);
    public Task<Bookmark?> FindBookmarkAsync(BookmarkId id, CancellationToken c = default) => inner.FindBookmarkAsync(id, c);
    public Task<IReadOnlyList<Bookmark>> FindBookmarksAsync(string t, string k, CancellationToken c = default) => Time("FindBookmarks", () => inner.FindBookmarksAsync(t, k, c));
    public Task<IReadOnlyList<InstanceId>> FindWaitingInstancesAsync(string t, string k, CancellationToken c = default) => Time("FindWaitingInstances", () => inner.FindWaitingInstancesAsync(t, k, c));
    public Task<IReadOnlyList<Bookmark>> ListTimersAsync(CancellationToken c = default) => inner.ListTimersAsync(c);
    public Task<IReadOnlyList<Bookmark>> QueryHumanTasksAsync(HumanTaskQuery q, CancellationToken c = default) => inner.QueryHumanTasksAsync(q, c);
    public Task<bool> IsProcessedAsync(string s, InstanceId? i, CancellationToken c = default) => Time("IsProcessed", () => inner.IsProcessedAsync(s, i, c));
    public Task<bool> AddPendingAsync(PendingStimulus p, CancellationToken c = default) => Time("AddPending", () => inner.AddPendingAsync(p, c));
    public Task<IReadOnlyList<PendingStimulus>> FindPendingAsync(string t, string k, DateTime n, CancellationToken c = default) => Time("FindPending", () => inner.FindPendingAsync(t, k, n, c));
    public Task<IReadOnlyList<PendingStimulus>> ListPendingAsync(bool d, CancellationToken c = default) => inner.ListPendingAsync(d, c);
    public Task<int> DeadLetterExpiredAsync(DateTime n, CancellationToken c = default) => inner.DeadLetterExpiredAsync(n, c);
    public Task<PendingStimulus?> ReviveDeadLetterAsync(string s, DateTime e, CancellationToken c = default) => inner.ReviveDeadLetterAsync(s, e, c);
    public Task CommitAsync(WorkflowCommit commit, CancellationToken c = default) => Time("Commit", async () => { await inner.CommitAsync(commit, c); return 0; });
    public Task<IReadOnlyList<PendingStimulus>> CommitAndFindPendingAsync(WorkflowCommit commit, DateTime n, CancellationToken c = default) => Time("CommitAndFindPending", () => inner.CommitAndFindPendingAsync(commit, n, c));
    public Task<IReadOnlyList<JournalEntry>> GetJournalAsync(InstanceId id, CancellationToken c = default) => inner.GetJournalAsync(id, c);
    public Task<IReadOnlyList<Incident>> GetIncidentsAsync(InstanceId id, CancellationToken c = default) => inner.GetIncidentsAsync(id, c);
    public Task<IReadOnlyList<OutboxMessage>> GetUndispatchedAsync(int max, CancellationToken c = default) => inner.GetUndispatchedAsync(max, c);
    public Task MarkDispatchedAsync(IReadOnlyCollection<Guid> ids, DateTime d, CancellationToken c = default) => inner.MarkDispatchedAsync(ids, d, c);
}
