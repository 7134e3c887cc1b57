using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows.Runtime;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Items;

/// <summary>
/// The supervision sweep (督办): flags work that passed its deadline as overdue and, after the alliance's grace period,
/// puts it on the street's supervision list — what only the clock changes, with no runtime commit at that moment, read
/// from the items' tracked tasks. What the routes themselves do (timers firing, escalations, windows closing, children
/// finishing) reaches the item in the runtime's own commit (<see cref="ItemCommitHook"/>).
/// Runs every minute as a Hangfire recurring job.
/// </summary>
public sealed class ItemSupervision(IServiceScopeFactory scopes)
{
    public const string JobId = "item-supervision-sweep";

    /// <summary>Syncs every open item; returns how many changed.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        List<ItemId> open;
        await using (var scope = scopes.CreateAsyncScope())
        {
            open = await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Set<Item>().AsNoTracking()
                .Where(i => i.ClosedUtc == null).OrderBy(i => i.CreatedUtc).Select(i => i.Id).ToListAsync(cancellationToken);
        }

        var changed = 0;
        foreach (var id in open)
        {
            await using var scope = scopes.CreateAsyncScope();
            var sync = scope.ServiceProvider.GetRequiredService<ItemSync>();
            var before = await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Set<Item>().AsNoTracking()
                .Where(i => i.Id == id).Select(i => i.Sequence).SingleAsync(cancellationToken);
            var after = await sync.SuperviseAsync(id, cancellationToken);
            changed += after.Sequence != before ? 1 : 0;
        }

        return changed;
    }
}

/// <summary>Registers the recurring supervision sweep once the host starts.</summary>
internal sealed class ItemSupervisionStartup(IRecurringJobManager recurring) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<ItemSupervision>(ItemSupervision.JobId, s => s.SweepAsync(CancellationToken.None), "* * * * *");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class ItemsSetup
{
    public static IServiceCollection AddAllianceItems(this IServiceCollection services)
    {
        services.AddScoped<ItemSync>();
        services.AddScoped<ItemOperations>();
        services.AddScoped<TaskOperations>();
        services.AddScoped<Lists.NeedOperations>();
        services.AddSingleton<ItemCommitHook>();
        services.AddSingleton<Alliance.Workflows.Persistence.Ef.IWorkflowCommitHook>(provider => provider.GetRequiredService<ItemCommitHook>());
        services.AddSingleton<ItemSupervision>();
        services.AddHostedService<ItemSupervisionStartup>();
        return services;
    }
}
