using System.Text.Json.Serialization;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>
/// Undoes completed steps: runs the <c>compensateWith</c> activity of every completed activity (or only those
/// listed in <see cref="Activities"/>), newest first. Compensation handlers are immediate activities.
/// </summary>
public sealed record Compensate : Activity
{
    [JsonPropertyName("activities")]
    public IReadOnlyList<string>? Activities { get; init; }

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        var done = context.State.Compensable;
        var undone = new List<string>();
        for (var i = done.Count - 1; i >= 0; i--)
        {
            var completed = context.Definition.Get(done[i]);
            if (Activities is not null && !Activities.Contains(completed.Id))
            {
                continue;
            }

            var handler = context.Definition.Get(completed.CompensateWith!);
            handler.Execute(new ActivityContext(context.Execution, handler, context.Token));
            context.Execution.Journal(handler, $"compensated {completed.Id}", context.Execution.Actor.Id, kind: JournalKind.Executed);
            done.RemoveAt(i);
            undone.Add(completed.Id);
        }

        context.Detail = string.Join(',', undone);
        return Done;
    }
}
