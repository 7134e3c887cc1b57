using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Alliance.Server.Infrastructure.Messaging.Outbox;

/// <summary>
/// Which added rows wake which loop after commit: a committed row of <paramref name="RowType"/> (a class or an
/// interface it implements) signals <paramref name="WakeUp"/>. Registered as singletons; see <see cref="OutboxSetup"/>.
/// </summary>
public sealed record CommitWakeUp(Type RowType, OutboxWakeUp WakeUp);

/// <summary>
/// Wakes the loops that work off rows written in a transaction (the outbox dispatchers, the audit sealer) once those
/// rows are committed: right after <c>SaveChanges</c> when it ran in its own transaction, or when the caller's
/// explicit transaction commits. Which rows wake which loop is given by the <see cref="CommitWakeUp"/> registrations.
/// </summary>
internal sealed class OutboxCommitInterceptor(IEnumerable<CommitWakeUp> registrations) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly ConditionalWeakTable<DbTransaction, HashSet<OutboxWakeUp>> Pending = [];
    private static readonly ConditionalWeakTable<DbContext, HashSet<OutboxWakeUp>> Writing = [];
    private readonly CommitWakeUp[] _registrations = [.. registrations];

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

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } context)
        {
            Writing.Remove(context); // nothing was written; a retry notes its rows again
        }
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
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

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => CommittedOutsideEf(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    /// <summary>
    /// For a transaction committed outside EF (the workflow store commits the transaction a commit hook's context joined
    /// with <c>UseTransaction</c>, see <c>ItemCommitHook</c>): wakes what its SaveChanges wrote for, as an EF commit would.
    /// </summary>
    public static void CommittedOutsideEf(DbTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (Pending.TryGetValue(transaction, out var wakeUps) && Pending.Remove(transaction))
        {
            Notify(wakeUps);
        }
    }

    private static void Notify(HashSet<OutboxWakeUp> wakeUps)
    {
        foreach (var wakeUp in wakeUps)
        {
            wakeUp.Notify();
        }
    }

    private void Note(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        // Such rows are always added explicitly (Add/AddRange), so they are tracked as Added already: look without a
        // change-detection pass, which SaveChanges runs right after this anyway. A row missed here is still picked up by the poll.
        var tracker = context.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            HashSet<OutboxWakeUp>? wakeUps = null;
            foreach (var entry in tracker.Entries())
            {
                if (entry.State != EntityState.Added)
                {
                    continue;
                }

                foreach (var registration in _registrations)
                {
                    if (registration.RowType.IsInstanceOfType(entry.Entity))
                    {
                        (wakeUps ??= []).Add(registration.WakeUp);
                    }
                }

                if (wakeUps?.Count == _registrations.Length)
                {
                    break;
                }
            }

            if (wakeUps is not null)
            {
                Writing.AddOrUpdate(context, wakeUps);
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    private static void Saved(DbContext? context)
    {
        if (context is null || !Writing.TryGetValue(context, out var wakeUps) || !Writing.Remove(context))
        {
            return;
        }

        if (context.Database.CurrentTransaction?.GetDbTransaction() is { } transaction)
        {
            if (Pending.TryGetValue(transaction, out var pending))
            {
                pending.UnionWith(wakeUps);
            }
            else
            {
                Pending.AddOrUpdate(transaction, wakeUps);
            }
        }
        else
        {
            Notify(wakeUps);
        }
    }
}
