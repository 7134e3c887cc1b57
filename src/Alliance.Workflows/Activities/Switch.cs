using System.Text.Json.Serialization;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>One case of a Switch: the port taken when its condition is the first to hold.</summary>
public sealed record SwitchCase(
    [property: JsonPropertyName("port")] string Port,
    [property: JsonPropertyName("condition")] string Condition);

/// <summary>Takes the port of the first case whose condition holds, else "default".</summary>
public sealed record Switch : Activity
{
    [JsonPropertyName("cases")]
    public IReadOnlyList<SwitchCase> Cases { get; init; } = [];

    public override IReadOnlyList<string> Ports => [.. Cases.Select(c => c.Port), Outcomes.Default];

    internal override IEnumerable<(string Property, string Source)> Expressions() =>
        Cases.Select((c, i) => ($"cases[{i}].condition", c.Condition));

    internal override IReadOnlyList<string> Execute(ActivityContext context) =>
        [Cases.FirstOrDefault(c => context.Test(c.Condition))?.Port ?? Outcomes.Default];
}
