using Alliance.Server.Features.Access;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows.Persistence;

namespace Alliance.Server.Features.Items;

/// <summary>
/// What a person (or the host for them) does to an item through its route: claim, complete or delegate a task, start the
/// route and so create the item, cancel a booking's route. It travels explicitly, as the payload of the runtime call's
/// <see cref="CommitContext"/>, to the item's projection inside that commit (<see cref="ItemCommitHook"/>), which records
/// it: its name and actor on the item's events and audit entry, and <see cref="Task"/> or <see cref="Creates"/> applied.
/// </summary>
public sealed class ItemCommand
{
    private int _applied;

    public required ItemId ItemId { get; init; }

    /// <summary>The audit action, e.g. <c>task.completed</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The acting user's id (the runtime actor), or <c>system</c>.</summary>
    public string? Actor { get; init; }

    public OrganisationId? OnBehalfOf { get; init; }

    /// <summary>Audit the action even when the item did not change.</summary>
    public bool Always { get; init; }

    /// <summary>Whose audit entry it is.</summary>
    public AccessScope Scope { get; init; } = AccessScope.Anonymous;

    /// <summary>What the action says about one of the item's tasks (who holds it, how it was completed).</summary>
    public TaskChange? Task { get; init; }

    /// <summary>For a start: the item the route's first commit creates.</summary>
    public NewItem? Creates { get; init; }

    /// <summary>The context to pass to the runtime call.</summary>
    public CommitContext Context => new(Name, this);

    /// <summary>True once a runtime commit carried the item's projection with this command (it is then saved and audited).</summary>
    internal bool Applied => Volatile.Read(ref _applied) == 1;

    internal void MarkApplied() => Volatile.Write(ref _applied, 1);
}

/// <summary>
/// What an action says about one task, applied to the tracked task before the projection: the holder's organisation
/// (<see cref="HolderIfUnset"/>: only if none is recorded yet), and for a completion its outcome, who completed it and
/// the comment. Null members leave the task as it is.
/// </summary>
public sealed record TaskChange(Guid TaskId)
{
    public OrganisationId? Holder { get; init; }

    public bool HolderIfUnset { get; init; }

    public bool OnlyIfOpen { get; init; }

    public string? Outcome { get; init; }

    public string? CompletedBy { get; init; }

    public string? Comment { get; init; }

    internal void ApplyTo(List<ItemTask> tasks)
    {
        if (tasks.Find(t => t.Id == TaskId) is not { } task || (OnlyIfOpen && !task.IsOpen))
        {
            return;
        }

        if (Holder is { } holder && (!HolderIfUnset || task.HolderOrganisationId is null))
        {
            task.HolderOrganisationId = holder;
        }

        task.Outcome = Outcome ?? task.Outcome;
        task.CompletedBy = CompletedBy ?? task.CompletedBy;
        task.Comment = Comment ?? task.Comment;
    }
}

/// <summary>An item created by its route's first commit, with what is saved beside it (<see cref="Alongside"/>).</summary>
/// <param name="Item">The new item; its <see cref="Item.WorkflowInstanceId"/> is set from the started instance.</param>
/// <param name="OnBehalfOf">The organisation it is submitted for (its audit entry's).</param>
/// <param name="Alongside">What the start writes with the item: the record it was started for, and its events.</param>
public sealed record NewItem(Item Item, OrganisationId OnBehalfOf, IItemAlongside? Alongside = null);

/// <summary>
/// Rows a feature writes in the same commit as a new item (a project and its need, the booking's link to its item),
/// and the item events that go with them. Runs inside the route's first commit, after the item's submission event.
/// </summary>
public interface IItemAlongside
{
    Task ApplyAsync(AllianceDbContext db, Item item, ItemEvents events, CancellationToken cancellationToken);
}
