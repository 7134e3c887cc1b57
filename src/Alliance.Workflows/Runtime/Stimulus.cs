using System.Text.Json.Nodes;

namespace Alliance.Workflows.Runtime;

/// <summary>Something from outside that may resume a bookmark: a message type, a correlation key, a payload and a unique id.</summary>
public sealed record Stimulus(StimulusId Id, string Type, string CorrelationKey, JsonNode? Payload = null)
{
    /// <summary>The stimulus type a finished child workflow sends to its parent (correlation key: the child instance id).</summary>
    public const string ChildCompletedType = "workflow.completed";
}

/// <summary>What happened to a delivered stimulus.</summary>
public enum DeliveryStatus
{
    /// <summary>It resumed one or more bookmarks.</summary>
    Applied = 0,

    /// <summary>Its id was seen before: no effect.</summary>
    Duplicate = 1,

    /// <summary>No bookmark matched yet: queued until one does or its TTL passes.</summary>
    Queued = 2,
}

/// <summary>The result of delivering a stimulus.</summary>
public sealed record DeliveryResult(DeliveryStatus Status, IReadOnlyList<InstanceId> Instances);
