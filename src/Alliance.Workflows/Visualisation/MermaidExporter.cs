using System.Text;
using Alliance.Workflows.Activities;
using Alliance.Workflows.Definitions;

namespace Alliance.Workflows.Visualisation;

/// <summary>The activities an instance passed through and those it waits at now.</summary>
public sealed record InstanceHighlight(IReadOnlyCollection<string> Visited, IReadOnlyCollection<string> Current);

/// <summary>Exports a definition as a Mermaid flowchart, optionally highlighting one instance's path and position.</summary>
public static class MermaidExporter
{
    public static string Export(WorkflowDefinition definition, InstanceHighlight? highlight = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var text = new StringBuilder();
        text.AppendLine("flowchart TD");
        foreach (var activity in definition.Activities)
        {
            text.Append("    ").AppendLine(Node(activity));
        }

        foreach (var connection in definition.Connections)
        {
            text.Append("    ").Append(NodeId(connection.From)).Append(" -->|").Append(Escape(connection.Port)).Append("| ").AppendLine(NodeId(connection.To));
        }

        foreach (var activity in definition.Activities.Where(a => a.CompensateWith is not null))
        {
            text.Append("    ").Append(NodeId(activity.Id)).Append(" -.->|compensate| ").AppendLine(NodeId(activity.CompensateWith!));
        }

        if (highlight is not null)
        {
            text.AppendLine("    classDef visited fill:#d4edda,stroke:#28a745");
            text.AppendLine("    classDef current fill:#fff3cd,stroke:#d39e00,stroke-width:3px");
            var visited = highlight.Visited.Except(highlight.Current).Where(id => definition.Find(id) is not null).Distinct().ToList();
            if (visited.Count > 0)
            {
                text.Append("    class ").Append(string.Join(',', visited.Select(NodeId))).AppendLine(" visited");
            }

            var current = highlight.Current.Where(id => definition.Find(id) is not null).Distinct().ToList();
            if (current.Count > 0)
            {
                text.Append("    class ").Append(string.Join(',', current.Select(NodeId))).AppendLine(" current");
            }
        }

        return text.ToString();
    }

    public static string NodeId(string activityId) =>
        "a_" + new string([.. activityId.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);

    private static string Node(Activity activity)
    {
        var label = Escape($"{activity.Name?.ZhCn ?? activity.Id}<br/>{activity.Type}");
        var id = NodeId(activity.Id);
        return activity switch
        {
            Start or End => $"{id}([\"{label}\"])",
            Decision or Switch => $"{id}{{\"{label}\"}}",
            Fork or Join => $"{id}[[\"{label}\"]]",
            HumanTask or Vote or ParallelForEach => $"{id}[/\"{label}\"/]",
            WaitForMessage or Activities.Timer => $"{id}((\"{label}\"))",
            _ => $"{id}[\"{label}\"]",
        };
    }

    private static string Escape(string text) => text.Replace("\"", "#quot;", StringComparison.Ordinal).Replace("|", "#124;", StringComparison.Ordinal);
}
