namespace Alliance.Contracts.Workflows;

/// <summary>
/// A message a workflow instance committed to its outbox (a <c>Publish</c>/<c>Notify</c> activity, a task opened,
/// a status set). <see cref="IntegrationEvent.EventId"/> is the outbox row id, so receivers de-duplicate on it.
/// </summary>
public sealed record WorkflowMessagePublished(Guid InstanceId, string Kind, string MessageType, string PayloadJson) : IntegrationEvent;
