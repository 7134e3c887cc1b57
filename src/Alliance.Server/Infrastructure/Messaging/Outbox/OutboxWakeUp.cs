namespace Alliance.Server.Infrastructure.Messaging.Outbox;

/// <summary>
/// Wakes every outbox dispatcher of this node when a commit wrote outbox rows. Each waiter takes the current
/// generation <em>before</em> it reads the outbox, so a commit that lands while it is reading is never missed.
/// </summary>
public class OutboxWakeUp
{
    private TaskCompletionSource _generation = New();

    /// <summary>The generation to wait on; take it before reading the outbox.</summary>
    public Task Current => Volatile.Read(ref _generation).Task;

    public void Notify() => Interlocked.Exchange(ref _generation, New()).TrySetResult();

    /// <summary>Waits until <paramref name="generation"/> is signalled or <paramref name="timeout"/> passes.</summary>
    public static async Task WaitAsync(Task generation, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generation);
        try
        {
            await generation.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // the poll: rows committed by another node, or before a restart
        }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
