using System.Text.Json.Serialization;
using Alliance.Workflows.Activities;

namespace Alliance.Workflows.Definitions;

/// <summary>A workflow definition: a flowchart of activities and connections between named outcome ports.</summary>
public sealed record WorkflowDefinition
{
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    [JsonPropertyName("version")]
    public int Version { get; init; }

    [JsonPropertyName("name")]
    public LocalizedText Name { get; init; } = new("", "");

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>Only published versions are used for new instances.</summary>
    [JsonPropertyName("published")]
    public bool Published { get; init; } = true;

    [JsonPropertyName("inputs")]
    public IReadOnlyList<InputDefinition> Inputs { get; init; } = [];

    [JsonPropertyName("variables")]
    public IReadOnlyList<VariableDefinition> Variables { get; init; } = [];

    [JsonIgnore]
    public IReadOnlyList<Activity> Activities { get; init; } = [];

    [JsonPropertyName("connections")]
    public IReadOnlyList<Connection> Connections { get; init; } = [];

    /// <summary>The file the definition was loaded from (empty when built in code).</summary>
    [JsonIgnore]
    public string SourceFile { get; init; } = "";

    [JsonIgnore]
    public DefinitionKey Key => new(Id, Version);

    public Activity? Find(string activityId) => Activities.FirstOrDefault(a => a.Id == activityId);

    public Activity Get(string activityId) =>
        Find(activityId) ?? throw new InvalidOperationException($"{Key} has no activity '{activityId}'");

    public Start StartActivity => Activities.OfType<Start>().Single();

    public IEnumerable<Connection> From(string activityId, string port) =>
        Connections.Where(c => c.From == activityId && c.Port == port);

    public IEnumerable<Connection> From(string activityId) => Connections.Where(c => c.From == activityId);

    public IEnumerable<Connection> Into(string activityId) => Connections.Where(c => c.To == activityId);
}
