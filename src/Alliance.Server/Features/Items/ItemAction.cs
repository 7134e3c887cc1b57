using Alliance.Server.Features.Access;
using Alliance.Server.Features.Organisations;

namespace Alliance.Server.Features.Items;

/// <summary>
/// What a person does to an item through its route (claim, complete, delegate a task; cancel a booking's route). It is
/// ambient around the runtime call (<see cref="ItemSync.ActAsync"/>), so that the item's projection in the runtime's own
/// commit (<see cref="ItemCommitHook"/>) records it: the action's name and actor on the item's events and its audit
/// entry (as <see cref="Scope"/>'s user), and <see cref="Before"/> applied before the projection.
/// </summary>
public sealed class ItemAction
{
    private static readonly AsyncLocal<ItemAction?> Ambient = new();
    private int _applied;

    public required ItemId ItemId { get; init; }

    /// <summary>The audit action, e.g. <c>task.completed</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The acting user's id (the runtime actor), or <c>system</c>.</summary>
    public string? Actor { get; init; }

    public OrganisationId? OnBehalfOf { get; init; }

    public ItemSync.Before? Before { get; init; }

    /// <summary>Audit the action even when the item did not change.</summary>
    public bool Always { get; init; }

    /// <summary>Whose audit entry it is.</summary>
    public AccessScope Scope { get; init; } = AccessScope.Anonymous;

    /// <summary>The action current in this flow (captured by <see cref="ItemCommitHook.Prepare"/>).</summary>
    internal static ItemAction? Current => Ambient.Value;

    /// <summary>True once a runtime commit carried the item's projection with this action (it is then saved and audited).</summary>
    internal bool Applied => Volatile.Read(ref _applied) == 1;

    internal void MarkApplied() => Volatile.Write(ref _applied, 1);

    /// <summary>Makes this action current until the returned scope is disposed.</summary>
    internal IDisposable Begin()
    {
        var previous = Ambient.Value;
        Ambient.Value = this;
        return new Restore(previous);
    }

    private sealed class Restore(ItemAction? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
