using System.Text.Json.Serialization;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>Waits for a message of a type whose correlation key equals the evaluated <see cref="Correlation"/> expression.</summary>
public sealed record WaitForMessage : Activity
{
    [JsonPropertyName("messageType")]
    public string MessageType { get; init; } = "";

    /// <summary>A JavaScript expression giving the correlation key.</summary>
    [JsonPropertyName("correlation")]
    public string Correlation { get; init; } = "";

    /// <summary>The variable that receives the message payload.</summary>
    [JsonPropertyName("resultVariable")]
    public string? ResultVariable { get; init; }

    public override bool Waits => true;

    internal override IEnumerable<(string Property, string Source)> Expressions() => [("correlation", Correlation)];

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        var key = context.EvaluateString(Correlation) ?? "";
        var bookmark = context.AddBookmark(BookmarkKind.Message);
        bookmark.StimulusType = MessageType;
        bookmark.CorrelationKey = key;
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
