using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;

namespace Alliance.Workflows.Runtime;

/// <summary>Checks and applies the move of one instance from one definition version to another.</summary>
internal sealed class InstanceMigration(WorkflowDefinition source, WorkflowDefinition target, IReadOnlyDictionary<string, string> map)
{
    public IReadOnlyList<string> Check(WorkflowInstance instance, IEnumerable<Bookmark> bookmarks)
    {
        var reasons = new List<string>();
        foreach (var bookmark in bookmarks)
        {
            CheckActivity(bookmark.ActivityId, $"{bookmark.Kind} bookmark", reasons);
            foreach (var (scope, _, _) in Branches.Segments(bookmark.Branch))
            {
                CheckActivity(Branches.ActivityOfScope(scope), "fork of a waiting branch", reasons);
            }
        }

        instance.State.Joins.ForEach(j => CheckActivity(j.JoinId, "open join", reasons));
        instance.State.Collectors.ForEach(c => CheckActivity(c.ActivityId, "open collection", reasons));
        instance.State.ChildGroups.ForEach(g => CheckActivity(g.ActivityId, "open group of children", reasons));
        instance.State.Faulted.ForEach(f => CheckActivity(f.ActivityId, "faulted activity", reasons));
        foreach (var compensable in instance.State.Compensable)
        {
            if (target.Find(Map(compensable))?.CompensateWith is null)
            {
                reasons.Add($"completed activity '{compensable}' could no longer be compensated in v{target.Version}");
            }
        }

        return [.. reasons.Distinct()];
    }

    public void Apply(WorkflowInstance instance, IEnumerable<Bookmark> bookmarks, Action<Bookmark> updated)
    {
        foreach (var bookmark in bookmarks)
        {
            bookmark.ActivityId = Map(bookmark.ActivityId);
            bookmark.Branch = MapBranch(bookmark.Branch);
            bookmark.Scope = bookmark.Scope is null ? null : MapScope(bookmark.Scope);
            updated(bookmark);
        }

        var state = instance.State;
        foreach (var join in state.Joins)
        {
            join.JoinId = Map(join.JoinId);
            join.Scope = MapScope(join.Scope);
            join.ParentBranch = MapBranch(join.ParentBranch);
        }

        foreach (var collector in state.Collectors)
        {
            collector.ActivityId = Map(collector.ActivityId);
            collector.Scope = MapScope(collector.Scope);
            collector.Branch = MapBranch(collector.Branch);
        }

        foreach (var group in state.ChildGroups)
        {
            group.ActivityId = Map(group.ActivityId);
            group.Scope = MapScope(group.Scope);
            group.Branch = MapBranch(group.Branch);
        }

        foreach (var faulted in state.Faulted)
        {
            faulted.ActivityId = Map(faulted.ActivityId);
            faulted.Branch = MapBranch(faulted.Branch);
        }

        state.Compensable = [.. state.Compensable.Select(Map)];
        state.Visited = [.. state.Visited.Select(Map).Distinct()];
        instance.DefinitionVersion = target.Version;
    }

    private void CheckActivity(string activityId, string what, List<string> reasons)
    {
        var mapped = Map(activityId);
        var before = source.Find(activityId);
        var after = target.Find(mapped);
        if (after is null)
        {
            reasons.Add($"{what} at '{activityId}' would be orphaned: v{target.Version} has no activity '{mapped}'");
        }
        else if (before is not null && before.GetType() != after.GetType())
        {
            reasons.Add($"{what} at '{activityId}' would be orphaned: '{mapped}' is a {after.Type} in v{target.Version}, not a {before.Type}");
        }
    }

    private string Map(string activityId) => map.GetValueOrDefault(activityId, activityId);

    private string MapScope(string scope)
    {
        var hash = scope.LastIndexOf('#');
        return Map(scope[..hash]) + scope[hash..];
    }

    private string MapBranch(string branch) =>
        branch.Length == 0 ? branch : string.Join('/', branch.Split('/').Select(MapScope));
}
