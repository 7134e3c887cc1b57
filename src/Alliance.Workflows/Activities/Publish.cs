using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>Publishes a bus event through the outbox: <see cref="MessageType"/> with the payload expression's value.</summary>
public sealed record Publish : Activity
{
    [JsonPropertyName("messageType")]
    public string MessageType { get; init; } = "";

    [JsonPropertyName("payload")]
    public string Payload { get; init; } = "({})";

    internal override IEnumerable<(string Property, string Source)> Expressions() => [("payload", Payload)];

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        context.Send(OutboxKind.Event, MessageType, context.Evaluate(Payload) ?? new JsonObject());
        return Done;
    }
}
