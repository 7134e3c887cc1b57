using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;

namespace Alliance.Workflows.Outbox;

/// <summary>
/// Publishes committed outbox rows, oldest first, and marks them dispatched. Delivery is at least once: a row is
/// marked only after it was published, so a crash in between publishes it again; receivers de-duplicate by
/// <see cref="OutboxMessage.Id"/>. The host runs <see cref="DispatchAsync"/> in a loop or after each commit.
/// </summary>
public sealed class OutboxDispatcher(IWorkflowStore store, IOutboxPublisher publisher, TimeProvider time)
{
    /// <summary>
    /// Dispatches up to <paramref name="batchSize"/> rows, one instance's rows in order and different instances' at the
    /// same time (<see cref="OutboxLanes"/>); marks what was published and returns how many. If a publish failed or was
    /// not confirmed in time, the rest of that instance's rows stay for the next pass and the failure is thrown after marking.
    /// </summary>
    public async Task<int> DispatchAsync(int batchSize = 100, CancellationToken cancellationToken = default)
    {
        var rows = await store.GetUndispatchedAsync(batchSize, cancellationToken);
        if (rows.Count == 0)
        {
            return 0;
        }

        var result = await OutboxLanes.PublishAsync(rows, row => row.InstanceId, publisher.PublishAsync, cancellationToken);
        if (result.Published.Count > 0)
        {
            await store.MarkDispatchedAsync([.. result.Published.Select(row => row.Id)], time.GetUtcNow().UtcDateTime, CancellationToken.None);
        }

        if (result.Failure is not null)
        {
            throw new OutboxPublishException(result.Published.Count, result.Failure);
        }

        return result.Published.Count;
    }
}
