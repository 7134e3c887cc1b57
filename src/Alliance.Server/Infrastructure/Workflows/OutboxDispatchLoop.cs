using Alliance.Workflows.Outbox;

namespace Alliance.Server.Infrastructure.Workflows;

/// <summary>
/// Runs the runtime's <see cref="OutboxDispatcher"/>: at once when a commit wrote outbox rows (the runtime calls
/// <see cref="Alliance.Workflows.Runtime.WorkflowRuntimeOptions.OutboxCommitted"/>), and every second as a fallback for rows committed by another node
/// or before a restart. Delivery is at least once; several nodes dispatching the same row only duplicate it.
/// </summary>
internal sealed class OutboxDispatchLoop(OutboxDispatcher dispatcher, OutboxSignal signal, ILogger<OutboxDispatchLoop> logger) : BackgroundService
{
    private const int BatchSize = 200;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await dispatcher.DispatchAsync(BatchSize, stoppingToken) == BatchSize)
                {
                    continue;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Outbox dispatch failed; retrying");
            }

            try
            {
                await signal.WaitAsync(Poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>Wakes the dispatch loop as soon as something was committed, instead of waiting for the next poll.</summary>
internal sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // already signalled
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
