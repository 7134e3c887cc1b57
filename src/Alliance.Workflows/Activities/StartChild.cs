using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>
/// Starts the latest published version of another workflow in the same commit; with <see cref="Wait"/> the parent
/// waits for the child to finish (its final variables go to <see cref="ResultVariable"/>).
/// </summary>
public sealed record StartChild : Activity
{
    [JsonPropertyName("workflow")]
    public string Workflow { get; init; } = "";

    /// <summary>A JavaScript expression giving the child's input object.</summary>
    [JsonPropertyName("input")]
    public string? Input { get; init; }

    [JsonPropertyName("wait")]
    public bool Wait { get; init; }

    [JsonPropertyName("resultVariable")]
    public string? ResultVariable { get; init; }

    public override bool Waits => Wait;

    internal override IEnumerable<(string Property, string Source)> Expressions() =>
        Input is null ? [] : [("input", Input)];

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        var input = Input is null ? null : context.Evaluate(Input) as JsonObject;
        var child = context.Execution.StartChild(Workflow, input, Wait);
        context.Detail = $"child {child}";
        if (!Wait)
        {
            return Done;
        }

        var bookmark = context.AddBookmark(BookmarkKind.Child);
        bookmark.StimulusType = Stimulus.ChildCompletedType;
        bookmark.CorrelationKey = child.ToString();
        return None;
    }

    internal override IReadOnlyList<string> Resume(ActivityContext context, Bookmark bookmark, Signal signal)
    {
        if (signal is not MessageSignal message)
        {
            return base.Resume(context, bookmark, signal);
        }

        context.RemoveBookmark(bookmark);
        if (ResultVariable is not null)
        {
            context.SetVariable(ResultVariable, message.Stimulus.Payload);
        }

        return Done;
    }
}
