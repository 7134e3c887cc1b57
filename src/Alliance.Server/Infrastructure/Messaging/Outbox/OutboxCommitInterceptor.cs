using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Alliance.Server.Infrastructure.Messaging.Outbox;

/// <summary>
/// Wakes the outbox dispatchers once outbox rows are committed: right after <c>SaveChanges</c> when it ran in
/// its own transaction, or when the caller's explicit transaction commits.
/// </summary>
internal sealed class OutboxCommitInterceptor(OutboxWakeUp wakeUp) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly ConditionalWeakTable<DbTransaction, object> Pending = [];
    private static readonly ConditionalWeakTable<DbContext, object> Writing = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (Pending.Remove(transaction))
        {
            wakeUp.Notify();
        }
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    private static void Note(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        // Outbox rows are always added explicitly (Add/AddRange), so they are tracked as Added already: look without a
        // change-detection pass, which SaveChanges runs right after this anyway. A row missed here still goes out on the poll.
        var tracker = context.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            if (tracker.Entries<IOutboxRow>().Any(e => e.State == EntityState.Added))
            {
                Writing.AddOrUpdate(context, context);
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    private void Saved(DbContext? context)
    {
        if (context is null || !Writing.Remove(context))
        {
            return;
        }

        if (context.Database.CurrentTransaction?.GetDbTransaction() is { } transaction)
        {
            Pending.AddOrUpdate(transaction, transaction);
        }
        else
        {
            wakeUp.Notify();
        }
    }
}
