using System.Text.Json.Serialization;
using Alliance.Workflows.Activities;
using Alliance.Workflows.Definitions;

namespace Alliance.Workflows.Visualisation;

/// <summary>Where a step of a route stands for one instance.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RouteStepState>))]
public enum RouteStepState
{
    [JsonStringEnumMemberName("ahead")] Ahead,
    [JsonStringEnumMemberName("visited")] Visited,
    [JsonStringEnumMemberName("current")] Current,
}

/// <summary>
/// One way out of a step: the outcome (port) taken, the statuses the item passes on the way, and the next step
/// (<c>null</c>: the route ends there).
/// </summary>
public sealed record RouteExit(string Port, IReadOnlyList<string> Statuses, string? To);

/// <summary>A step people see: the submission, a task, a round of opinions, a vote, a child route, a wait.</summary>
public sealed record RouteStep(string Id, string Type, LocalizedText Title, RouteStepState State, IReadOnlyList<RouteExit> Exits);

/// <summary>
/// A route as its people read it: the steps that are work or waiting (human tasks, rounds, votes, child routes, waits
/// for a message or a time), in the order the route reaches them from its start, each with the ways out of it. The
/// activities between two steps (statuses, decisions, variables, publications) are walked through: their statuses are
/// named on the exit, and a decision's branches become several exits of the same outcome. The phone-first counterpart
/// of <see cref="MermaidExporter"/>, highlighted the same way (visited activities, the ones waited at now).
/// </summary>
public static class RouteMap
{
    public static IReadOnlyList<RouteStep> Build(WorkflowDefinition definition, InstanceHighlight highlight, Func<string, LocalizedText?>? workflowName = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(highlight);
        var visited = highlight.Visited.ToHashSet(StringComparer.Ordinal);
        var current = highlight.Current.ToHashSet(StringComparer.Ordinal);
        var steps = new List<RouteStep>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { definition.StartActivity.Id };
        var queue = new Queue<Activity>([definition.StartActivity]);
        while (queue.TryDequeue(out var activity))
        {
            var exits = ExitsOf(definition, activity);
            var state = current.Contains(activity.Id) ? RouteStepState.Current : visited.Contains(activity.Id) ? RouteStepState.Visited : RouteStepState.Ahead;
            steps.Add(new RouteStep(activity.Id, activity.Type, TitleOf(activity, workflowName), state, exits));
            foreach (var next in exits.Select(e => e.To).OfType<string>().Where(seen.Add))
            {
                queue.Enqueue(definition.Get(next));
            }
        }

        return steps;
    }

    /// <summary>Whether people see this activity as a step of its own.</summary>
    public static bool IsStep(Activity activity) =>
        activity is Start or HumanTask or ParallelForEach or Vote or StartChild or WaitForMessage or Activities.Timer;

    private static List<RouteExit> ExitsOf(WorkflowDefinition definition, Activity step)
    {
        var exits = new List<RouteExit>();
        foreach (var connection in definition.From(step.Id))
        {
            Walk(definition, connection.Port, connection.To, [], new HashSet<string>(StringComparer.Ordinal), exits);
        }

        return [.. exits.Distinct(ExitComparer.Instance)];
    }

    private static void Walk(WorkflowDefinition definition, string port, string activityId, List<string> statuses, HashSet<string> path, List<RouteExit> exits)
    {
        var activity = definition.Get(activityId);
        if (IsStep(activity))
        {
            exits.Add(new RouteExit(port, [.. statuses], activity.Id));
            return;
        }

        if (activity is End || !path.Add(activityId))
        {
            exits.Add(new RouteExit(port, [.. statuses], null));
            return;
        }

        var on = activity is SetStatus set ? [.. statuses, set.Status] : statuses;
        var onward = definition.From(activityId).ToList();
        if (onward.Count == 0)
        {
            exits.Add(new RouteExit(port, on, null));
        }

        foreach (var connection in onward)
        {
            Walk(definition, port, connection.To, on, path, exits);
        }

        path.Remove(activityId);
    }

    private static LocalizedText TitleOf(Activity activity, Func<string, LocalizedText?>? workflowName) => activity switch
    {
        Start => new("提交", "Submitted"),
        HumanTask task => task.Title,
        ParallelForEach round => round.Task.Title,
        Vote { Ballot: { } ballot } => ballot.Title,
        StartChild child => workflowName?.Invoke(child.Workflow) is { } name ? name : new($"子流程 {child.Workflow}", $"Child route {child.Workflow}"),
        _ => activity.Name ?? new(activity.Id, activity.Id),
    };

    private sealed class ExitComparer : IEqualityComparer<RouteExit>
    {
        public static readonly ExitComparer Instance = new();

        public bool Equals(RouteExit? x, RouteExit? y) =>
            x is not null && y is not null && x.Port == y.Port && x.To == y.To && x.Statuses.SequenceEqual(y.Statuses);

        public int GetHashCode(RouteExit obj) => HashCode.Combine(obj.Port, obj.To, obj.Statuses.Count);
    }
}
