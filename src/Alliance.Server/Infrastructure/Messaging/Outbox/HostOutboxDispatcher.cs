using System.Text.Json;
using Alliance.Contracts;
using Alliance.Contracts.Items;
using Alliance.Workflows.Outbox;
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
    /// Publishes the undispatched rows in their order, an item's events one after another and different items' at the
    /// same time (<see cref="OutboxLanes"/>, each publish bounded); marks what went out. A row whose type is unknown is
    /// logged and marked without publishing, so that it cannot block the rows behind it.
    /// </summary>
    public async Task<int> DispatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var rows = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.DispatchedUtc == null)
            .OrderBy(m => m.CreatedUtc).ThenBy(m => m.Position).Take(BatchSize).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return 0;
        }

        var messages = rows.Select(row => new Outgoing(row, Deserialize(row))).ToList();
        var result = await OutboxLanes.PublishAsync(messages, m => m.Lane, PublishAsync, cancellationToken);
        if (result.Published.Count > 0)
        {
            // One statement for the batch (it was one UPDATE per row through change tracking and SaveChanges' interceptors).
            var now = time.GetUtcNow().UtcDateTime;
            var ids = result.Published.Select(sent => sent.Row.Id).ToList();
            await db.Set<OutboxMessage>().Where(m => ids.Contains(m.Id))
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.DispatchedUtc, now), CancellationToken.None);
        }

        if (result.Failure is not null)
        {
            throw new OutboxPublishException(result.Published.Count, result.Failure);
        }

        return result.Published.Count;
    }

    private object? Deserialize(OutboxMessage row)
    {
        if (Types.GetValueOrDefault(row.Type) is { } type && JsonSerializer.Deserialize(row.PayloadJson, type, OutboxExtensions.Json) is { } message)
        {
            return message;
        }

        logger.LogError("Outbox row {Id} has unknown type {Type}; marked dispatched without publishing", row.Id, row.Type);
        return null;
    }

    private Task PublishAsync(Outgoing outgoing, CancellationToken cancellationToken) =>
        outgoing.Message is { } message
            ? bus.Publish(message, message.GetType(), context => context.MessageId = outgoing.Row.Id, cancellationToken)
            : Task.CompletedTask;

    /// <summary>A row with its message; an item's events share a lane (its order), other events go one by one in one lane.</summary>
    private sealed record Outgoing(OutboxMessage Row, object? Message)
    {
        public object Lane { get; } = Message is ItemEvent item ? item.ItemId : "other";
    }
}
