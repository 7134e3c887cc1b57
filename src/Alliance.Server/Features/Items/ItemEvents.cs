using System.Text.Json;
using Alliance.Contracts.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;

namespace Alliance.Server.Features.Items;

/// <summary>
/// The events of one change of an item, each with the item's next sequence number. Each is written twice in the change's
/// own transaction: as a row of the item's timeline (<see cref="ItemEventRecord"/>) and as a row of the host's one outbox,
/// which publishes it (<see cref="OutboxExtensions.AddOutboxEvent"/>).
/// </summary>
public sealed class ItemEvents(Item item, TimeProvider time)
{
    internal static readonly JsonSerializerOptions Json = Infrastructure.Api.ApiJson.Apply(new(JsonSerializerDefaults.Web), enums: false);

    private readonly List<ItemEvent> _messages = [];
    private readonly List<ItemEventRecord> _records = [];

    public Item Item { get; } = item;

    public int Count => _records.Count;

    public IEnumerable<string> Types => _records.Select(r => r.Type);

    /// <summary>Adds an event of the item with its next sequence number.</summary>
    public void Emit(string? actor, Func<long, ItemEvent> make)
    {
        ArgumentNullException.ThrowIfNull(make);
        var now = time.GetUtcNow();
        var message = make(++Item.Sequence) with { OccurredAt = now };
        _messages.Add(message);
        _records.Add(new ItemEventRecord
        {
            Id = message.EventId,
            ItemId = Item.Id,
            Sequence = message.Sequence,
            Type = message.GetType().Name,
            Actor = actor,
            AtUtc = now.UtcDateTime,
            PayloadJson = JsonSerializer.Serialize(message, message.GetType(), Json),
        });
    }

    /// <summary>The organisations an event concerns: the submitter, the host and <paramref name="more"/>.</summary>
    public List<Guid> Concerned(params IEnumerable<OrganisationId> more) => ItemSync.Concerned(Item, more);

    /// <summary>
    /// Adds the timeline rows and the outbox rows to the unit of work, in sequence order. Each published event carries
    /// the item's state as this change leaves it (<see cref="ItemEvent.State"/>), from the item and its
    /// <paramref name="tasks"/>, so its consumers need not read the item back.
    /// </summary>
    internal void AddTo(AllianceDbContext db, IReadOnlyCollection<ItemTask> tasks)
    {
        db.AddRange(_records);
        if (_messages.Count == 0)
        {
            return;
        }

        var state = StateOf(Item.Status, tasks);
        foreach (var message in _messages)
        {
            db.AddOutboxEvent(message with { State = state });
        }
    }

    /// <summary>An item's state: its status, its latest open task's step, and the one organisation holding its open tasks (if one).</summary>
    internal static ItemState StateOf(string status, IEnumerable<ItemTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var open = tasks.Where(t => t.IsOpen).ToList();
        var latest = open.OrderByDescending(t => t.OpenedUtc).FirstOrDefault();
        var holders = open.Where(t => t.HolderOrganisationId is not null).Select(t => t.HolderOrganisationId!.Value.Value).Distinct().ToList();
        return new ItemState(status, latest?.Step, holders.Count == 1 && open.TrueForAll(t => t.HolderOrganisationId is not null) ? holders[0] : null);
    }
}
