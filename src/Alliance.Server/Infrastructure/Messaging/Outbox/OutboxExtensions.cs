using System.Text.Json;
using Alliance.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Infrastructure.Messaging.Outbox;

public static class OutboxExtensions
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static long _position;

    /// <summary>
    /// Queues <paramref name="event"/> for the bus in the context's unit of work: it is written by the next
    /// <c>SaveChanges</c> (inside the caller's transaction, if any) and published after commit, at least once,
    /// with the event's <c>EventId</c> as message id. The row is of the event's own type (not the static one), so events
    /// of a base type (<c>ItemEvent</c>) go out as what they are.
    /// </summary>
    public static void AddOutboxEvent<TEvent>(this DbContext db, TEvent @event)
        where TEvent : IntegrationEvent
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(@event);
        db.Set<OutboxMessage>().Add(new OutboxMessage
        {
            Id = @event.EventId,
            Type = @event.GetType().FullName!,
            PayloadJson = JsonSerializer.Serialize(@event, @event.GetType(), Json),
            CreatedUtc = @event.OccurredAt.UtcDateTime,
            Position = Interlocked.Increment(ref _position),
        });
    }
}
