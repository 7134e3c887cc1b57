using Alliance.Contracts.Items;
using Alliance.Workflows.Model;

namespace Alliance.Server.Features.Items;

/// <summary>
/// What a kind of item keeps beside the item itself (a commitment's reporting periods and assessment, ...), projected
/// from the item's route by <see cref="ItemSync"/> after the item's own projection and saved in the same SaveChanges,
/// so its events go out through the host outbox exactly when the change they describe is committed.
/// </summary>
public interface IItemProjection
{
    ItemKind Kind { get; }

    Task ProjectAsync(ItemProjectionContext context, CancellationToken cancellationToken);
}

/// <summary>The item being projected, its route's instance (variables, status), its tracked tasks and the events of this change.</summary>
public sealed class ItemProjectionContext(Item item, WorkflowInstance instance, IReadOnlyList<ItemTask> tasks, ItemEvents events, string? actor, TimeProvider time)
{
    public Item Item { get; } = item;

    public WorkflowInstance Instance { get; } = instance;

    public IReadOnlyList<ItemTask> Tasks { get; } = tasks;

    public string? Actor { get; } = actor;

    public DateTime UtcNow { get; } = time.GetUtcNow().UtcDateTime;

    /// <summary>Adds an event of the item with its next sequence number (written with the change, published by the items' outbox).</summary>
    public void Emit(string? actor, Func<long, ItemEvent> make) => events.Emit(actor, make);

    /// <summary>The organisations an event concerns: the submitter, the host and <paramref name="more"/>.</summary>
    public List<Guid> Concerned(params IEnumerable<Alliance.Server.Features.Organisations.OrganisationId> more) => ItemSync.Concerned(Item, more);
}
