using Alliance.Contracts.Items;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Items;

/// <summary>
/// The host outbox of items: publishes every <see cref="ItemEventRecord"/> not yet dispatched, in item sequence
/// order, as its typed contract (message id = row id, so receivers de-duplicate), then marks it dispatched. Woken
/// when a commit wrote rows (<see cref="OutboxWakeUp"/>), and polls every second. Delivery is at least once; several nodes may publish the same row twice, never lose one.
/// </summary>
public sealed class ItemEventDispatcher(IServiceScopeFactory scopes, IBus bus, OutboxWakeUp wakeUp, TimeProvider time, ILogger<ItemEventDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 200;

    private static readonly Dictionary<string, Type> Types = typeof(ItemEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(ItemEvent)) && !t.IsAbstract).ToDictionary(t => t.Name, StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        HostOutboxDispatcher.RunLoopAsync(wakeUp, DispatchAsync, BatchSize, logger, stoppingToken);

    public async Task<int> DispatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var rows = await db.Set<ItemEventRecord>().Where(e => e.DispatchedUtc == null)
            .OrderBy(e => e.AtUtc).ThenBy(e => e.Sequence).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            await HostOutboxDispatcher.PublishRowAsync(bus, Types.GetValueOrDefault(row.Type), row.Id, row.Type, row.PayloadJson, logger, cancellationToken);
            row.DispatchedUtc = time.GetUtcNow().UtcDateTime;
        }

        if (rows.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return rows.Count;
    }
}
