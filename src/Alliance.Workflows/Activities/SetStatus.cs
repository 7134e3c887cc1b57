using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>Sets the business status shown to users and announces it through the outbox (event WorkflowStatusChanged).</summary>
public sealed record SetStatus : Activity
{
    [JsonPropertyName("status")]
    public string Status { get; init; } = "";

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        context.Instance.BusinessStatus = Status;
        context.Detail = Status;
        context.Send(OutboxKind.Event, "WorkflowStatusChanged", new JsonObject
        {
            ["instanceId"] = context.Instance.Id.ToString(),
            ["definitionId"] = context.Instance.DefinitionId,
            ["status"] = Status,
        });
        return Done;
    }
}
