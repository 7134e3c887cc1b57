using System.Text.Json;
using Alliance.Contracts;
using Alliance.Server.Infrastructure.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Infrastructure.Messaging.Outbox;

/// <summary>
/// Publishes the host outbox (<see cref="OutboxMessage"/>) on the bus in the order it was written, as each row's
/// contract type with message id = row id, then marks it dispatched. Runs when a commit wrote rows
/// (<see cref="OutboxWakeUp"/>) and every second as a fallback. Delivery is at least once: a crash between publish
/// and mark, or two nodes reading the same row, only repeats a message that receivers de-duplicate.
/// </summary>
public sealed class HostOutboxDispatcher(IServiceScopeFactory scopes, IBus bus, OutboxWakeUp wakeUp, TimeProvider time, ILogger<HostOutboxDispatcher> logger)
    : BackgroundService
{
    private const int BatchSize = 200;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private static readonly Dictionary<string, Type> Types = typeof(IntegrationEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(IntegrationEvent)) && !t.IsAbstract)
        .ToDictionary(t => t.FullName!, StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RunLoopAsync(wakeUp, DispatchAsync, BatchSize, logger, stoppingToken);

    /// <summary>The loop every outbox of the host (and the audit sealer) shares: work off a batch, and wait for a wake-up or the poll when the batch was not full.</summary>
    public static async Task RunLoopAsync(OutboxWakeUp wakeUp, Func<CancellationToken, Task<int>> dispatch, int batchSize, ILogger logger, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(wakeUp);
        ArgumentNullException.ThrowIfNull(dispatch);
        while (!stoppingToken.IsCancellationRequested)
        {
            var generation = wakeUp.Current;
            var sent = 0;
            try
            {
                sent = await dispatch(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "A pass of the loop failed; retrying");
            }

            if (sent < batchSize)
            {
                try
                {
                    await OutboxWakeUp.WaitAsync(generation, Poll, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Publishes one outbox row as its contract <paramref name="type"/> with message id <paramref name="id"/>; a row whose
    /// type is unknown (<c>null</c>) is logged and skipped, so that it cannot block the rows behind it.
    /// </summary>
    public static async Task PublishRowAsync(IBus bus, Type? type, Guid id, string typeName, string payloadJson, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bus);
        if (type is not null && JsonSerializer.Deserialize(payloadJson, type, OutboxExtensions.Json) is { } message)
        {
            await bus.Publish(message, type, context => context.MessageId = id, cancellationToken);
        }
        else
        {
            logger.LogError("Outbox row {Id} has unknown type {Type}; marked dispatched without publishing", id, typeName);
        }
    }

    public async Task<int> DispatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var rows = await db.Set<OutboxMessage>().Where(m => m.DispatchedUtc == null)
            .OrderBy(m => m.CreatedUtc).ThenBy(m => m.Position).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            await PublishRowAsync(bus, Types.GetValueOrDefault(row.Type), row.Id, row.Type, row.PayloadJson, logger, cancellationToken);
            row.DispatchedUtc = time.GetUtcNow().UtcDateTime;
        }

        if (rows.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return rows.Count;
    }
}
