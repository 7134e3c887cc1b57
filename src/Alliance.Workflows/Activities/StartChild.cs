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

    /// <summary>
    /// A JavaScript expression giving an array: one child is started per element (all in the same commit), and
    /// <see cref="Input"/> sees the element as <c>item</c>. Cannot be combined with <see cref="Wait"/>.
    /// </summary>
    [JsonPropertyName("forEach")]
    public string? ForEach { get; init; }

    [JsonPropertyName("wait")]
    public bool Wait { get; init; }

    [JsonPropertyName("resultVariable")]
    public string? ResultVariable { get; init; }

    public override bool Waits => Wait;

    internal override IEnumerable<(string Property, string Source)> Expressions() =>
        new[] { ("input", Input), ("forEach", ForEach) }.Where(e => e.Item2 is not null).Select(e => (e.Item1, e.Item2!));

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        if (ForEach is not null)
        {
            var elements = context.Evaluate(ForEach) switch
            {
                JsonArray array => array,
                null => [],
                var other => throw new Expressions.ExpressionException($"forEach: expected an array, got {other.GetValueKind()}"),
            };
            var started = elements.Select(element =>
                context.Execution.StartChild(Workflow, Input is null ? null : context.Evaluate(Input, item: element) as JsonObject, parentWaits: false)).ToList();
            context.Detail = $"children {string.Join(",", started)}";
            return Done;
        }

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
