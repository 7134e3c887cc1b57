using Alliance.Workflows.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Alliance.Server.Infrastructure.Workflows;

/// <summary>Signals the <see cref="OutboxDispatcher"/> when a SaveChanges that added outbox rows has committed.</summary>
internal sealed class OutboxCommitInterceptor(OutboxSignal signal) : SaveChangesInterceptor
{
    private readonly AsyncLocal<bool> _pending = new();

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        _pending.Value = eventData.Context?.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added) ?? false;
        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (_pending.Value)
        {
            _pending.Value = false;
            signal.Notify();
        }

        return ValueTask.FromResult(result);
    }
}
