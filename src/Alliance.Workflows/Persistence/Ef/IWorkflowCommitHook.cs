using System.Data.Common;

namespace Alliance.Workflows.Persistence.Ef;

/// <summary>
/// Work of the host that must commit in the same transaction as the runtime's own changes, e.g. the business view of
/// an instance kept in step with it, and its outbox rows: then a crash can never separate the two.
/// <para>
/// <see cref="Prepare"/> decides, in the committing caller's flow and without I/O, whether a commit concerns the host.
/// A commit it concerns is written alone, in a transaction of its own (not group-committed with others); after its
/// statements stood, <see cref="RunAsync"/> runs on the store's connection inside that transaction (typically an EF
/// context of the host with <c>SetDbConnection</c> and <c>UseTransaction</c>). If it throws, the whole transaction is
/// rolled back and only that commit fails, as a concurrency conflict (<see cref="Runtime.WorkflowConcurrencyException"/>
/// with the hook's exception inside), which the runtime redoes from a fresh load. Commits it does not concern keep the
/// group-commit path.
/// </para>
/// </summary>
public interface IWorkflowCommitHook
{
    /// <summary>
    /// Called before the commit is queued, in the caller's flow (an ambient value of the caller can be captured here).
    /// Null: nothing to do for this commit. Anything else is handed to <see cref="RunAsync"/> and <see cref="Committed"/>.
    /// </summary>
    object? Prepare(WorkflowCommit commit);

    /// <summary>Runs inside the commit's transaction, after its statements; may run on another caller's thread (the group writer's).</summary>
    Task RunAsync(WorkflowCommitTransaction commit, CancellationToken cancellationToken);

    /// <summary>Called once the transaction holding the commit and the hook's work is durable (e.g. to wake an outbox dispatcher).</summary>
    void Committed(object state);
}

/// <summary>One commit as a hook sees it: the store's open connection and the transaction the commit is written in.</summary>
/// <param name="Connection">The store's connection (do not close it).</param>
/// <param name="Transaction">The transaction of the commit (do not commit or roll it back).</param>
/// <param name="Commit">What the runtime writes: its instances already carry their new <c>Version</c>.</param>
/// <param name="State">What <see cref="IWorkflowCommitHook.Prepare"/> returned for this commit.</param>
public sealed record WorkflowCommitTransaction(DbConnection Connection, DbTransaction Transaction, WorkflowCommit Commit, object State);
