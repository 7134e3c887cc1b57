using System.Text.Json.Nodes;

namespace Alliance.Workflows.Model;

/// <summary>A persisted workflow instance. <see cref="Version"/> is the optimistic concurrency token.</summary>
public sealed class WorkflowInstance
{
    public InstanceId Id { get; set; }

    public string DefinitionId { get; set; } = "";

    public int DefinitionVersion { get; set; }

    public InstanceStatus Status { get; set; }

    /// <summary>The business status shown to users, set by SetStatus.</summary>
    public string? BusinessStatus { get; set; }

    public JsonObject Variables { get; set; } = [];

    public InstanceState State { get; set; } = new();

    public InstanceId? ParentInstanceId { get; set; }

    /// <summary>True when the parent waits for this child: finishing sends it a <c>workflow.completed</c> stimulus.</summary>
    public bool ParentWaits { get; set; }

    public string? CorrelationKey { get; set; }

    public int Version { get; set; }

    public DateTime CreatedUtc { get; set; }

    public DateTime UpdatedUtc { get; set; }

    public DateTime? FinishedUtc { get; set; }

    public DefinitionKey DefinitionKey => new(DefinitionId, DefinitionVersion);

    public bool IsClosed => Status is InstanceStatus.Completed or InstanceStatus.Cancelled;

    internal WorkflowInstance Clone()
    {
        var copy = (WorkflowInstance)MemberwiseClone();
        copy.Variables = (JsonObject)Variables.DeepClone();
        copy.State = State.Clone();
        return copy;
    }
}
