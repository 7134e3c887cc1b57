using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>Sends a notification through the outbox (type "notification") to a role within an organisation.</summary>
public sealed record Notify : Activity
{
    [JsonPropertyName("recipients")]
    public Candidates Recipients { get; init; } = new("");

    [JsonPropertyName("title")]
    public LocalizedText Title { get; init; } = new("", "");

    /// <summary>An optional JavaScript expression giving the body.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; init; }

    internal override IEnumerable<(string Property, string Source)> Expressions()
    {
        if (Recipients.Organisation is not null)
        {
            yield return ("recipients.organisation", Recipients.Organisation);
        }

        if (Body is not null)
        {
            yield return ("body", Body);
        }
    }

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        context.Send(OutboxKind.Notification, "notification", new JsonObject
        {
            ["instanceId"] = context.Instance.Id.ToString(),
            ["role"] = Recipients.Role,
            ["organisation"] = context.EvaluateString(Recipients.Organisation),
            ["titleZh"] = Title.ZhCn,
            ["titleEn"] = Title.En,
            ["body"] = Body is null ? null : context.Evaluate(Body),
        });
        return Done;
    }
}
