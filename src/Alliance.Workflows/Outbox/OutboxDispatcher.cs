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
    /// <summary>Dispatches up to <paramref name="batchSize"/> rows; returns how many were published.</summary>
    public async Task<int> DispatchAsync(int batchSize = 100, CancellationToken cancellationToken = default)
    {
        var rows = await store.GetUndispatchedAsync(batchSize, cancellationToken);
        var published = new List<Guid>();
        try
        {
            foreach (var row in rows)
            {
                await publisher.PublishAsync(row, cancellationToken);
                published.Add(row.Id);
            }
        }
        finally
        {
            if (published.Count > 0)
            {
                await store.MarkDispatchedAsync(published, time.GetUtcNow().UtcDateTime, CancellationToken.None);
            }
        }

        return published.Count;
    }
}
