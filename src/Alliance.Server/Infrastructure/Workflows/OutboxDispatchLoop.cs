using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Workflows.Outbox;

namespace Alliance.Server.Infrastructure.Workflows;

/// <summary>
/// Runs the runtime's <see cref="OutboxDispatcher"/> in the host's outbox loop (<see cref="HostOutboxDispatcher.RunLoopAsync"/>):
/// at once when a commit wrote outbox rows (the runtime calls
/// <see cref="Alliance.Workflows.Runtime.WorkflowRuntimeOptions.OutboxCommitted"/>, which signals <see cref="WorkflowOutboxWakeUp"/>), and
/// every second as a fallback for rows committed by another node or before a restart. Delivery is at least once;
/// several nodes dispatching the same row only duplicate it.
/// </summary>
internal sealed class OutboxDispatchLoop(OutboxDispatcher dispatcher, WorkflowOutboxWakeUp wakeUp, ILogger<OutboxDispatchLoop> logger) : BackgroundService
{
    private const int BatchSize = 200;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        HostOutboxDispatcher.RunLoopAsync(wakeUp, ct => dispatcher.DispatchAsync(BatchSize, ct), BatchSize, logger, stoppingToken);
}

/// <summary>
/// The runtime outbox's own wake-up, apart from the host outboxes' <see cref="OutboxWakeUp"/>, so that workflow commits
/// (the hot path) wake only the workflow dispatcher.
/// </summary>
internal sealed class WorkflowOutboxWakeUp : OutboxWakeUp;
