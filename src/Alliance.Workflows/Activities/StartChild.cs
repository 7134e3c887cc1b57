using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>
/// Starts the latest published version of another workflow in the same commit; with <see cref="Wait"/> the parent
/// waits for the child to finish (its final variables go to <see cref="ResultVariable"/>). With <see cref="ForEach"/>
/// one child is started per element, and with <see cref="Wait"/> the parent waits until every one of them has finished.
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
    /// <see cref="Input"/> sees the element as <c>item</c>. With <see cref="Wait"/> the activity leaves on <c>done</c>
    /// when the last of them has finished, completed or cancelled.
    /// </summary>
    [JsonPropertyName("forEach")]
    public string? ForEach { get; init; }

    [JsonPropertyName("wait")]
    public bool Wait { get; init; }

    /// <summary>
    /// With <see cref="Wait"/>: the variable that receives the child's end (<c>instanceId</c>, <c>definitionId</c>,
    /// <c>status</c>, <c>businessStatus</c>, <c>variables</c>); with <see cref="ForEach"/> an array of them in the order of
    /// the elements, each with its element as <c>item</c>.
    /// </summary>
    [JsonPropertyName("resultVariable")]
    public string? ResultVariable { get; init; }

    public override bool Waits => Wait;

    internal override IEnumerable<(string Property, string Source)> Expressions() =>
        new[] { ("input", Input), ("forEach", ForEach) }.Where(e => e.Item2 is not null).Select(e => (e.Item1, e.Item2!));

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        if (ForEach is not null)
        {
            return StartEach(context);
        }

        var input = Input is null ? null : context.Evaluate(Input) as JsonObject;
        var child = context.Execution.StartChild(Workflow, input, Wait);
        context.Detail = $"child {child}";
        if (!Wait)
        {
            return Done;
        }

        WaitFor(context, child, scope: null);
        return None;
    }

    internal override IReadOnlyList<string> Resume(ActivityContext context, Bookmark bookmark, Signal signal)
    {
        if (signal is not MessageSignal message)
        {
            return base.Resume(context, bookmark, signal);
        }

        context.RemoveBookmark(bookmark);
        var group = bookmark.Scope is null ? null : context.State.ChildGroups.FirstOrDefault(g => g.Scope == bookmark.Scope);
        if (group is null)
        {
            if (ResultVariable is not null)
            {
                context.SetVariable(ResultVariable, message.Stimulus.Payload);
            }

            return Done;
        }

        var entry = group.Children.Find(c => c.InstanceId.ToString() == bookmark.CorrelationKey);
        if (entry is not null)
        {
            entry.Finished = JsonSerializer.SerializeToElement(message.Stimulus.Payload);
        }

        var open = group.Children.Count(c => c.Finished is null);
        context.Detail = $"child {bookmark.CorrelationKey} {message.Stimulus.Payload?["status"]}; {open} of {group.Children.Count} still running";
        if (open > 0)
        {
            return None;
        }

        context.State.ChildGroups.Remove(group);
        Finish(context, group);
        return Done;
    }

    private IReadOnlyList<string> StartEach(ActivityContext context)
    {
        var elements = context.Evaluate(ForEach!) switch
        {
            JsonArray array => array,
            null => [],
            var other => throw new Expressions.ExpressionException($"forEach: expected an array, got {other.GetValueKind()}"),
        };
        var started = elements.Select(element =>
            (Element: element, Child: context.Execution.StartChild(Workflow, Input is null ? null : context.Evaluate(Input, item: element) as JsonObject, Wait))).ToList();
        context.Detail = $"children {string.Join(",", started.Select(s => s.Child))}";
        if (!Wait)
        {
            return Done;
        }

        var group = new ChildGroupState
        {
            ActivityId = Id,
            Scope = context.NewScope(),
            Branch = context.Token.Branch,
            Children = started.ConvertAll(s => new ChildEntry { InstanceId = s.Child, Item = JsonSerializer.SerializeToElement(s.Element) }),
        };
        if (started.Count == 0)
        {
            Finish(context, group);
            return Done;
        }

        context.State.ChildGroups.Add(group);
        foreach (var (_, child) in started)
        {
            WaitFor(context, child, group.Scope);
        }

        return None;
    }

    private static void WaitFor(ActivityContext context, InstanceId child, string? scope)
    {
        var bookmark = context.AddBookmark(BookmarkKind.Child);
        bookmark.StimulusType = Stimulus.ChildCompletedType;
        bookmark.CorrelationKey = child.ToString();
        bookmark.Scope = scope;
    }

    /// <summary>The group's result: each child's end, in the order of the elements, with its element as <c>item</c>.</summary>
    private void Finish(ActivityContext context, ChildGroupState group)
    {
        if (ResultVariable is null)
        {
            return;
        }

        var results = new JsonArray();
        foreach (var child in group.Children)
        {
            var result = child.Finished is { } finished ? JsonSerializer.SerializeToNode(finished) as JsonObject ?? [] : [];
            result["item"] = JsonSerializer.SerializeToNode(child.Item);
            results.Add(result);
        }

        context.SetVariable(ResultVariable, results);
    }
}
