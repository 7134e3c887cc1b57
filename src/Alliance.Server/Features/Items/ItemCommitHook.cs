using System.Data.Common;
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
/// (whoever caused it: a person through the API, a timer, a finished child, an operator) projects the instance's item
/// (<see cref="ItemSync"/>) on the workflow store's connection and transaction, so the item, its events (the items'
/// outbox, hence the live streams) and its audit entry commit with the runtime's state or not at all. A failure here
/// fails that commit, and the runtime redoes it from a fresh load.
/// </summary>
public sealed class ItemCommitHook(IServiceScopeFactory scopes, ILogger<ItemCommitHook> logger) : IWorkflowCommitHook
{
    private static readonly HashSet<string> Routes = [.. Enum.GetValues<ItemKind>().Select(ItemRoutes.WorkflowOf)];

    /// <summary>Commits that write an instance of an item route; the person's action of this flow, if any, goes along.</summary>
    public object? Prepare(WorkflowCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        return commit.Instances.Any(w => Routes.Contains(w.Instance.DefinitionId)) ? new State(ItemAction.Current) : null;
    }

    public async Task RunAsync(WorkflowCommitTransaction commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        var state = (State)commit.State;
        state.Transaction = commit.Transaction;
        foreach (var instanceId in commit.Commit.Instances.Where(w => Routes.Contains(w.Instance.DefinitionId)).Select(w => w.Instance.Id.Value))
        {
            try
            {
                await ProjectAsync(commit, instanceId, state, cancellationToken);
            }
            catch (Exception ex)
            {
                logger.LogInformation(ex, "Projecting the item of instance {InstanceId} in the runtime's commit failed; the runtime redoes the commit", instanceId);
                throw;
            }
        }
    }

    /// <summary>
    /// Once the commit is durable: the person's action is marked applied, and what the projection's SaveChanges wrote for
    /// (item events: the items' outbox; the audit entry: its sealer) is woken, as an EF commit would (the store commits
    /// the transaction, not EF).
    /// </summary>
    public void Committed(object state)
    {
        var committed = (State)state;
        if (committed.ActionApplied)
        {
            committed.Action!.MarkApplied();
        }

        if (committed.Transaction is { } transaction)
        {
            OutboxCommitInterceptor.CommittedOutsideEf(transaction);
        }
    }

    /// <summary>
    /// One instance's item, in a DI scope of its own (the audit entry is the acting person's for the item the action is
    /// about, the system's for any other) whose context runs on the store's connection and transaction.
    /// </summary>
    private async Task ProjectAsync(WorkflowCommitTransaction commit, Guid instanceId, State state, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        db.Database.SetDbConnection(commit.Connection, contextOwnsConnection: false);

        // The provider's retrying strategy refuses a transaction it did not start unless the work runs inside it; a
        // transient failure is not retried here (the transaction is the store's): it fails the commit, which the
        // runtime redoes.
        var attempts = 0;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async cancel =>
        {
            if (attempts++ > 0)
            {
                throw new WorkflowConcurrencyException("a transient failure inside the runtime's transaction");
            }

            await db.Database.UseTransactionAsync(commit.Transaction, cancel);
            var itemId = await db.Set<Item>().AsNoTracking().Where(i => i.WorkflowInstanceId == instanceId).Select(i => (ItemId?)i.Id)
                .SingleOrDefaultAsync(cancel);
            if (itemId is not { } id)
            {
                return; // a route started before its item is saved (ItemSync.SubmitAsync), or adopted by its parent's projection
            }

            var mine = state.Action is { } action && action.ItemId == id;
            scope.ServiceProvider.GetRequiredService<AccessScopeHolder>().Scope = mine ? state.Action!.Scope : AccessScope.Anonymous;
            await scope.ServiceProvider.GetRequiredService<ItemSync>().ApplyInCommitAsync(id, state.Action, cancel);
            state.ActionApplied |= mine;
        }, cancellationToken);
    }

    /// <summary>What one commit's projection knows and did: the action of the caller's flow, whether it was applied, the transaction.</summary>
    private sealed class State(ItemAction? action)
    {
        public ItemAction? Action { get; } = action;

        public bool ActionApplied { get; set; }

        public DbTransaction? Transaction { get; set; }
    }
}
