using System.Text.Json;
using Alliance.Contracts.Items;
using Alliance.Server.Infrastructure.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Items;

/// <summary>
/// The host outbox of items: publishes every <see cref="ItemEventRecord"/> not yet dispatched, in item sequence
/// order, as its typed contract (message id = row id, so receivers de-duplicate), then marks it dispatched. Polls
/// every second. Delivery is at least once; several nodes may publish the same row twice, never lose one.
/// </summary>
public sealed class ItemEventDispatcher(IServiceScopeFactory scopes, IBus bus, TimeProvider time, ILogger<ItemEventDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 200;

    private static readonly Dictionary<string, Type> Types = typeof(ItemEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(ItemEvent)) && !t.IsAbstract).ToDictionary(t => t.Name, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await DispatchAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Item event dispatch failed; retrying");
            }

            if (sent < BatchSize)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public async Task<int> DispatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var rows = await db.Set<ItemEventRecord>().Where(e => e.DispatchedUtc == null)
            .OrderBy(e => e.AtUtc).ThenBy(e => e.Sequence).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            if (Types.TryGetValue(row.Type, out var type) && JsonSerializer.Deserialize(row.PayloadJson, type, ItemSync.Json) is { } message)
            {
                await bus.Publish(message, type, context => context.MessageId = row.Id, cancellationToken);
            }

            row.DispatchedUtc = time.GetUtcNow().UtcDateTime;
        }

        if (rows.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return rows.Count;
    }
}
