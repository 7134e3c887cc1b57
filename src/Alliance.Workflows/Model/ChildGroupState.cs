using System.Text.Json;

namespace Alliance.Workflows.Model;

/// <summary>
/// The children one execution of a waiting <c>StartChild</c> with <c>forEach</c> started (a scope: each child's bookmark
/// carries it), and how each of them finished. The activity continues when the last one has finished.
/// </summary>
public sealed class ChildGroupState
{
    public string ActivityId { get; set; } = "";

    public string Scope { get; set; } = "";

    /// <summary>The branch the StartChild ran on; it continues on it.</summary>
    public string Branch { get; set; } = "";

    /// <summary>One per element of <c>forEach</c>, in its order.</summary>
    public List<ChildEntry> Children { get; set; } = [];

    /// <summary>True when every child has finished (completed or cancelled).</summary>
    public bool AllFinished() => Children.TrueForAll(c => c.Finished is not null);

    internal ChildGroupState Clone() => new()
    {
        ActivityId = ActivityId,
        Scope = Scope,
        Branch = Branch,
        Children = Children.ConvertAll(c => c.Clone()),
    };
}

/// <summary>One child of a <see cref="ChildGroupState"/>: its instance, the <c>forEach</c> element it was started for, and its end.</summary>
public sealed class ChildEntry
{
    public InstanceId InstanceId { get; set; }

    /// <summary>The element of <c>forEach</c> (what the child's input saw as <c>item</c>).</summary>
    public JsonElement Item { get; set; }

    /// <summary>
    /// Null while the child runs; then what it sent when it finished (<c>instanceId</c>, <c>definitionId</c>,
    /// <c>status</c> Completed or Cancelled, <c>businessStatus</c>, <c>variables</c>).
    /// </summary>
    public JsonElement? Finished { get; set; }

    internal ChildEntry Clone() => (ChildEntry)MemberwiseClone(); // JsonElement values are immutable
}
