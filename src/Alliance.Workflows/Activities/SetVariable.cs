using System.Text.Json.Serialization;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>Sets a variable to the value of a JavaScript expression.</summary>
public sealed record SetVariable : Activity
{
    [JsonPropertyName("variable")]
    public string Variable { get; init; } = "";

    [JsonPropertyName("value")]
    public string Value { get; init; } = "";

    internal override IEnumerable<(string Property, string Source)> Expressions() => [("value", Value)];

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        context.SetVariable(Variable, context.Evaluate(Value));
        return Done;
    }
}
