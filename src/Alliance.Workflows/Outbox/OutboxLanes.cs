namespace Alliance.Workflows.Outbox;

/// <summary>
/// Publishes a batch of outbox rows in lanes: rows with the same key (an instance, an item) go out one after another in
/// the batch's order, different keys at the same time, so the broker's confirmations overlap instead of being awaited
/// one by one. Each publish is bounded by <see cref="PublishTimeout"/>: a broker that went away while a publish waited
/// for its confirmation may never confirm it (RabbitMQ.Client 7.2, rabbitmq-dotnet-client#1930), and an unbounded wait
/// would stop the outbox for good. A lane stops at its first failure; its remaining rows stay for the next pass, so an
/// instance's or item's order holds. Returns the rows published (to be marked dispatched).
/// </summary>
public static class OutboxLanes
{
    /// <summary>How long one publish may wait for the broker before the pass gives it up and retries later.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    public static async Task<OutboxLaneResult<T>> PublishAsync<T>(
        IReadOnlyList<T> rows, Func<T, object> keyOf, Func<T, CancellationToken, Task> publish, CancellationToken cancellationToken,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(keyOf);
        ArgumentNullException.ThrowIfNull(publish);
        var lanes = rows.GroupBy(keyOf).Select(lane => PublishLaneAsync([.. lane], publish, timeout ?? PublishTimeout, cancellationToken)).ToList();
        var results = await Task.WhenAll(lanes);
        var published = new HashSet<T>(results.SelectMany(r => r.Published));
        return new OutboxLaneResult<T>(
            [.. rows.Where(published.Contains)],
            results.Select(r => r.Failure).OfType<Exception>().FirstOrDefault());
    }

    private static async Task<(List<T> Published, Exception? Failure)> PublishLaneAsync<T>(
        List<T> lane, Func<T, CancellationToken, Task> publish, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var published = new List<T>(lane.Count);
        foreach (var row in lane)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(timeout);
            try
            {
                await publish(row, bounded.Token).WaitAsync(bounded.Token);
                published.Add(row);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (published, new TimeoutException($"The broker did not confirm a publish within {timeout.TotalSeconds:0} s; the row stays in the outbox for the next pass."));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return (published, e);
            }
        }

        return (published, null);
    }
}

/// <summary>The rows a pass published, in the batch's order, and the first failure of a lane that stopped (if any).</summary>
public sealed record OutboxLaneResult<T>(IReadOnlyList<T> Published, Exception? Failure);

/// <summary>A pass of an outbox stopped some rows at a failed or unconfirmed publish; <see cref="Published"/> rows did go out.</summary>
public sealed class OutboxPublishException(int published, Exception inner)
    : Exception($"An outbox pass published {published} rows and left the rest of a lane for the next pass: {inner.Message}", inner)
{
    public int Published { get; } = published;
}
