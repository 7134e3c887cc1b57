using System.Text.Json.Serialization;

namespace Alliance.Workflows.Activities;

/// <summary>Who may take a task: a role plus an organisation selector (a JavaScript expression giving an organisation id; none = any).</summary>
public sealed record Candidates(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("organisation")] string? Organisation = null);
