using System.Text.Json.Serialization;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>Branches on a JavaScript condition: port "true" or "false".</summary>
public sealed record Decision : Activity
{
    [JsonPropertyName("condition")]
    public string Condition { get; init; } = "";

    public override IReadOnlyList<string> Ports => [Outcomes.True, Outcomes.False];

    internal override IEnumerable<(string Property, string Source)> Expressions() => [("condition", Condition)];

    internal override IReadOnlyList<string> Execute(ActivityContext context) =>
        [context.Test(Condition) ? Outcomes.True : Outcomes.False];
}
