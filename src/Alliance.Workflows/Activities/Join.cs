using System.Text.Json.Serialization;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>How many branches a Join waits for.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JoinMode>))]
public enum JoinMode
{
    [JsonStringEnumMemberName("all")] All,
    [JsonStringEnumMemberName("any")] Any,
    [JsonStringEnumMemberName("quorum")] Quorum,
}

/// <summary>
/// Waits for the branches of its <see cref="Fork"/>: all, any, or k-of-n (<see cref="Quorum"/>), with an optional deadline
/// counted from the Fork. On completion the remaining branches are cancelled. Ports: "done", "timeout".
/// </summary>
public sealed record Join : Activity
{
    [JsonPropertyName("fork")]
    public string Fork { get; init; } = "";

    [JsonPropertyName("mode")]
    public JoinMode Mode { get; init; } = JoinMode.All;

    /// <summary>k, for mode "quorum".</summary>
    [JsonPropertyName("quorum")]
    public int? Quorum { get; init; }

    [JsonPropertyName("deadline")]
    public string? Deadline { get; init; }

    public override IReadOnlyList<string> Ports => [Outcomes.Done, Outcomes.Timeout];

    internal bool IsSatisfied(JoinState state)
    {
        var remaining = state.Expected - state.Cancelled.Count;
        var arrived = state.Arrived.Count;
        return Mode switch
        {
            JoinMode.All => arrived >= remaining,
            JoinMode.Any => arrived >= 1 || remaining <= 0,
            _ => arrived >= Math.Min(Quorum ?? 1, remaining),
        };
    }

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        context.Outcome = context.Execution.ArriveAtJoin(this, context.Token);
        return None;
    }

    internal override IReadOnlyList<string> OnTimer(ActivityContext context, Bookmark timer)
    {
        var state = context.State.Joins.FirstOrDefault(j => j.JoinId == Id && j.Scope == timer.Scope);
        if (state is not null)
        {
            context.Execution.CompleteJoin(this, state, Outcomes.Timeout);
        }

        return None;
    }
}
