using System.Text.Json.Nodes;
using Alliance.Contracts.Resources;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Resources;

/// <summary>
/// Keeps a booking in step with its route (item kind <c>resourceRequest</c>), in the same SaveChanges as the item:
/// confirmed (by the owner, the chair after escalation, or at once) → <see cref="BookingConfirmed"/>; declined → the slot
/// is freed and <see cref="BookingCancelled"/> (cause <c>declined</c>) tells both sides; used / not used after the
/// feedback, with both sides' feedback. A booking that already ended (cancelled by the host) is never revived.
/// </summary>
public sealed class BookingProjection(AllianceDbContext db) : IItemProjection
{
    private static readonly Dictionary<string, string> Ratings = new(StringComparer.Ordinal)
    {
        ["satisfied"] = "满意", ["basicallySatisfied"] = "基本满意", ["unsatisfied"] = "不满意",
    };

    public ItemKind Kind => ItemKind.ResourceRequest;

    public async Task ProjectAsync(ItemProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var variables = context.Instance.Variables;
        if (!BookingId.TryParse(variables["bookingId"]?.GetValue<string>(), out var id))
        {
            return;
        }

        var booking = await db.Set<Booking>().FindAsync([id], cancellationToken);
        if (booking is null || !booking.IsActive)
        {
            return;
        }

        var resource = await db.Set<Resource>().AsNoTracking().SingleAsync(r => r.Id == booking.ResourceId, cancellationToken);
        var decision = variables["decision"] as JsonObject;
        switch (context.Item.Status)
        {
            case "confirmed" or "feedback" or "used" or "not-used" when booking.Status == BookingStatus.Pending:
                Decide(booking, decision, variables, context.UtcNow);
                booking.Status = BookingStatus.Confirmed;
                booking.Revision++;
                db.AddOutboxEvent(new BookingConfirmed(booking.Id.Value, resource.Id.Value, resource.OwnerId.Value, booking.RequesterId.Value,
                    resource.AllianceId.Value, BookingLifecycle.Utc(booking.StartUtc), BookingLifecycle.Utc(booking.EndUtc), booking.DecidedBy!));
                break;
            case "declined":
                Decide(booking, decision, variables, context.UtcNow);
                await BookingLifecycle.ReleaseAsync(db, booking, resource, "declined", booking.DecisionNote, context.Actor, context.UtcNow, cancellationToken);
                return;
        }

        if (context.Item.Status is "used" or "not-used" && booking.Status == BookingStatus.Confirmed)
        {
            var owner = variables["ownerFeedback"] as JsonObject;
            var requester = variables["requesterFeedback"] as JsonObject;
            booking.Status = context.Item.Status == "used" ? BookingStatus.Used : BookingStatus.NotUsed;
            booking.UsedUtc = context.UtcNow;
            booking.OwnerFeedback = Text(owner?["fields"]?["feedback"]) ?? Text(owner?["comment"]);
            booking.RequesterFeedback = Text(requester?["fields"]?["feedback"]) ?? Text(requester?["comment"]);
            booking.RequesterRating = Text(requester?["outcome"]) is { } outcome && Ratings.TryGetValue(outcome, out var rating) ? rating : null;
            booking.Revision++;
        }
    }

    /// <summary>Who decided: the owner's side, the chair (the task had escalated to the alliance's host), or nobody (auto-confirmed).</summary>
    private static void Decide(Booking booking, JsonObject? decision, JsonObject variables, DateTime now)
    {
        var organisation = Text(decision?["organisation"]);
        booking.DecidedBy = decision is null ? "auto" : organisation == Text(variables["ownerId"]) ? "owner" : "chair";
        booking.DecidedUtc = now;
        booking.DecisionNote = Text(decision?["fields"]?["note"]) ?? Text(decision?["comment"]);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;
}
