using Alliance.Workflows.Activities;
using Alliance.Workflows.Model;

namespace Alliance.Workflows.Runtime;

/// <summary>Fork scopes, joins and cancellation (semantics: docs/adr/0002-join-semantics.md).</summary>
internal sealed partial class WorkflowExecution
{
    /// <summary>A token reached a Join: count it, and complete the join when its mode is satisfied.</summary>
    public string ArriveAtJoin(Join join, Token token)
    {
        var segment = Branches.Segments(token.Branch).FirstOrDefault(s => Branches.ActivityOfScope(s.Scope) == join.Fork);
        if (segment.Scope is null)
        {
            throw new InvalidOperationException($"Join '{join.Id}' reached outside a branch of Fork '{join.Fork}'");
        }

        var state = Instance.State.Joins.FirstOrDefault(j => j.JoinId == join.Id && j.Scope == segment.Scope);
        if (state is null)
        {
            return "late";
        }

        if (!state.Arrived.Contains(segment.Index))
        {
            state.Arrived.Add(segment.Index);
        }

        if (join.IsSatisfied(state))
        {
            CompleteJoin(join, state, Outcomes.Done);
            return "completed";
        }

        return "arrived";
    }

    public void CompleteJoin(Join join, JoinState state, string port)
    {
        Instance.State.Joins.Remove(state);
        CancelScope(state.Scope);
        Emit(join.Id, [port], state.ParentBranch);
    }

    /// <summary>Cancels everything still running inside a fork scope: bookmarks, queued tokens, nested joins, collectors and child groups.</summary>
    public void CancelScope(string scope)
    {
        foreach (var bookmark in _bookmarks.Where(b => b.Scope == scope || Branches.IsWithin(b.Branch, scope)).ToList())
        {
            RemoveBookmark(bookmark);
        }

        _queue.RemoveAll(t => Branches.IsWithin(t.Branch, scope));
        var state = Instance.State;
        state.Joins.RemoveAll(j => Branches.IsWithin(j.ParentBranch, scope));
        state.Collectors.RemoveAll(c => Branches.IsWithin(c.Branch, scope));
        state.ChildGroups.RemoveAll(g => Branches.IsWithin(g.Branch, scope));
        state.Faulted.RemoveAll(f => Branches.IsWithin(f.Branch, scope));
    }

    /// <summary>
    /// A branch was cancelled (Cancel activity): the innermost open Join over it expects one arrival fewer,
    /// and completes if nothing else is left to wait for.
    /// </summary>
    public void CancelBranch(string branch)
    {
        foreach (var (scope, index, _) in Branches.Segments(branch))
        {
            var state = Instance.State.Joins.FirstOrDefault(j => j.Scope == scope);
            if (state is null)
            {
                continue;
            }

            var marker = $"{scope}.{index}";
            foreach (var bookmark in _bookmarks.Where(b => b.Branch.Split('/').Contains(marker)).ToList())
            {
                RemoveBookmark(bookmark);
            }

            _queue.RemoveAll(t => t.Branch.Split('/').Contains(marker));
            Instance.State.ChildGroups.RemoveAll(g => g.Branch.Split('/').Contains(marker));
            if (!state.Arrived.Contains(index) && !state.Cancelled.Contains(index))
            {
                state.Cancelled.Add(index);
            }

            if (Definition.Get(state.JoinId) is Join join && join.IsSatisfied(state))
            {
                Journal(join, "completed (branch cancelled)", Actor.Id);
                CompleteJoin(join, state, Outcomes.Done);
            }

            return;
        }
    }

    /// <summary>Cancels the waits of one activity (Cancel with an activity id as target).</summary>
    public int CancelActivity(string activityId)
    {
        var waits = _bookmarks.Where(b => b.ActivityId == activityId && b.RelatedBookmarkId is null).ToList();
        foreach (var bookmark in waits)
        {
            RemoveBookmark(bookmark);
        }

        Instance.State.Collectors.RemoveAll(c => c.ActivityId == activityId);
        Instance.State.ChildGroups.RemoveAll(g => g.ActivityId == activityId);
        _queue.RemoveAll(t => t.ActivityId == activityId);
        foreach (var branch in waits.Select(w => w.Branch).Distinct())
        {
            CancelBranch(branch);
        }

        return waits.Count;
    }
}
