using Alliance.Server.Features.Access;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Persistence.Ef;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Items;

/// <summary>
/// Keeps items in step with their routes in the runtime's own transaction: every commit of an item route's instance
/// (whoever caused it: a person through an operation, a timer, a finished child, an operator) projects the instance's
/// item (<see cref="ItemSync"/>) from the commit's own change, on the workflow store's connection and transaction, so the
/// item, its events (timeline and host outbox) and its audit entry commit with the runtime's state or not at all; a
/// start whose <see cref="ItemCommand"/> creates the item creates it in the route's first commit. A failure here fails
/// that commit, and the runtime redoes it from a fresh load (or, for a start, the start fails whole).
/// </summary>
public sealed class ItemCommitHook(IServiceScopeFactory scopes, IEnumerable<CommitWakeUp> wakeUps, ILogger<ItemCommitHook> logger) : IWorkflowCommitHook
{
    private static readonly HashSet<string> Routes = [.. Enum.GetValues<ItemKind>().Select(ItemRoutes.WorkflowOf)];

    /// <summary>Commits that write an instance of an item route; the caller's command (the commit's context), if any, goes along.</summary>
    public object? Prepare(WorkflowCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        return commit.Instances.Any(w => Routes.Contains(w.Instance.DefinitionId)) ? new State(commit.Context?.Payload as ItemCommand) : null;
    }

    public async Task RunAsync(WorkflowCommitTransaction commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        var state = (State)commit.State;
        foreach (var write in commit.Commit.Instances.Where(w => Routes.Contains(w.Instance.DefinitionId) && !RouteChange.IsAdoptedIn(commit.Commit, w)))
        {
            try
            {
                await ProjectAsync(commit, RouteChange.Of(commit.Commit, write.Instance.Id), state, cancellationToken);
            }
            catch (Exception ex)
            {
                logger.LogInformation(ex, "Projecting the item of instance {InstanceId} in the runtime's commit failed; the commit fails", write.Instance.Id);
                throw;
            }
        }
    }

    private readonly OutboxWakeUp[] _wakeUps = [.. wakeUps.Select(w => w.WakeUp).Distinct()];

    /// <summary>
    /// Once the commit is durable: the caller's command is marked applied, and what waits for committed rows (the host
    /// outbox, the audit sealer) is woken, as EF's own commits wake them (<see cref="CommitWakeUp"/>).
    /// </summary>
    public void Committed(object state)
    {
        var committed = (State)state;
        if (committed.CommandApplied)
        {
            committed.Command!.MarkApplied();
        }

        if (committed.Wrote)
        {
            foreach (var wakeUp in _wakeUps)
            {
                wakeUp.Notify();
            }
        }
    }

    /// <summary>
    /// One instance's item, in a DI scope of its own (the audit entry is the acting person's for the item the command is
    /// about, the system's for any other) whose context runs on the store's connection and transaction.
    /// </summary>
    private async Task ProjectAsync(WorkflowCommitTransaction commit, RouteChange change, State state, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        db.Database.SetDbConnection(commit.Connection, contextOwnsConnection: false);

        // The provider's retrying strategy refuses a transaction it did not start unless the work runs inside it; a
        // transient failure is not retried here (the transaction is the store's): it fails the commit.
        var attempts = 0;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async cancel =>
        {
            if (attempts++ > 0)
            {
                throw new WorkflowConcurrencyException("a transient failure inside the runtime's transaction");
            }

            await db.Database.UseTransactionAsync(commit.Transaction, cancel);
            var command = state.Command;
            var holder = scope.ServiceProvider.GetRequiredService<AccessScopeHolder>();
            holder.Scope = command?.Scope ?? AccessScope.Anonymous;
            var projected = await scope.ServiceProvider.GetRequiredService<ItemSync>().ApplyInCommitAsync(change, command, cancel);
            state.Wrote |= projected != ItemSync.Projected.NoItem;
            state.CommandApplied |= projected == ItemSync.Projected.WithCommand;
        }, cancellationToken);
    }

    /// <summary>What one commit's projection knows and did: the caller's command, whether it was applied, whether anything was written.</summary>
    private sealed class State(ItemCommand? command)
    {
        public ItemCommand? Command { get; } = command;

        public bool CommandApplied { get; set; }

        public bool Wrote { get; set; }
    }
}
