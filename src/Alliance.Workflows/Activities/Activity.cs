using System.Text.Json.Serialization;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>
/// The base of every activity: its definition properties (deserialised from JSON) and its behaviour.
/// Execute returns the outcome ports to follow; an empty list means the token waits or ends here.
/// </summary>
public abstract record Activity
{
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    [JsonPropertyName("name")]
    public LocalizedText? Name { get; init; }

    /// <summary>The id of an immediate activity that undoes this one when a Compensate activity runs.</summary>
    [JsonPropertyName("compensateWith")]
    public string? CompensateWith { get; init; }

    /// <summary>How often this activity is retried when it faults (default: the runtime options).</summary>
    [JsonPropertyName("retry")]
    public RetryPolicy? Retry { get; init; }

    [JsonIgnore]
    public string Type => ActivityTypes.NameOf(GetType());

    /// <summary>The outcome ports that connections may start from.</summary>
    [JsonIgnore]
    public virtual IReadOnlyList<string> Ports => [Outcomes.Done];

    /// <summary>True when the activity can suspend the flow (a loop must contain one).</summary>
    [JsonIgnore]
    public virtual bool Waits => false;

    /// <summary>The JavaScript expressions of this activity: JSON property name and source.</summary>
    internal virtual IEnumerable<(string Property, string Source)> Expressions() => [];

    internal abstract IReadOnlyList<string> Execute(ActivityContext context);

    internal virtual IReadOnlyList<string> Resume(ActivityContext context, Bookmark bookmark, Signal signal) =>
        throw new InvalidOperationException($"{Type} '{Id}' cannot be resumed by {signal.GetType().Name}");

    internal virtual IReadOnlyList<string> OnTimer(ActivityContext context, Bookmark timer) => [];

    internal static IReadOnlyList<string> Done => [Outcomes.Done];

    internal static IReadOnlyList<string> None => [];
}

/// <summary>Attempts before the instance is Faulted, and the first back-off (doubling after each attempt).</summary>
public sealed record RetryPolicy(
    [property: JsonPropertyName("maxAttempts")] int MaxAttempts,
    [property: JsonPropertyName("delay")] string? Delay = null);

/// <summary>Common outcome port names.</summary>
public static class Outcomes
{
    public const string Done = "done";
    public const string True = "true";
    public const string False = "false";
    public const string Default = "default";
    public const string Deadline = "deadline";
    public const string Timeout = "timeout";
    public const string Expired = "expired";
    public const string Passed = "passed";
    public const string Failed = "failed";
    public const string NoQuorum = "noQuorum";
}
