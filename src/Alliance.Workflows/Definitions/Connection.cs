using System.Text.Json.Serialization;

namespace Alliance.Workflows.Definitions;

/// <summary>An edge of the flowchart: from an activity's named outcome port to another activity.</summary>
public sealed record Connection(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("port")] string Port,
    [property: JsonPropertyName("to")] string To);
