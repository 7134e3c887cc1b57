namespace Alliance.Workflows.Persistence;

/// <summary>
/// What the caller of a runtime operation says about the commit it causes, carried explicitly from the call to the
/// store (<see cref="WorkflowCommit.Context"/>) and so to the host's commit hook: the action's name, a note, and a payload
/// the runtime never reads (the host's own command: who acts for which organisation, the item a start creates, ...).
/// Commits that follow from the call without being part of it (a queued stimulus delivered after the commit, a child's
/// parent told it finished) carry no context.
/// </summary>
/// <param name="Action">The action's name, e.g. <c>task.completed</c>.</param>
/// <param name="Payload">The host's command; opaque to the runtime.</param>
public sealed record CommitContext(string Action, object? Payload = null);
