using System.Globalization;
using System.Text.Json.Nodes;
using Alliance.Contracts.Resources;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Workflows;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Resources;

/// <summary>
/// What happens to a booking besides the caller's own request and cancellation, shared by <see cref="BookingOperations"/>,
/// the route's projection (<see cref="BookingProjection"/>: declined), <see cref="BookingExpiry"/> and the emergency switch
/// (<see cref="EmergencyApi"/>): release a slot, start or end a booking's route, find a booking in scope.
/// </summary>
public static class BookingLifecycle
{
    /// <summary>
    /// Ends an active booking without use: its slot rows go, its status and cause are set, and <see cref="BookingCancelled"/>
    /// (the notice to both sides) is queued in the same unit of work. The caller saves.
    /// </summary>
    public static async Task ReleaseAsync(
        AllianceDbContext db, Booking booking, Resource resource, string cause, string? reason, string? by, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(booking);
        ArgumentNullException.ThrowIfNull(resource);
        booking.Status = cause == "declined" ? BookingStatus.Declined : BookingStatus.Cancelled;
        booking.CancelCause = cause;
        booking.CancelReason = reason;
        booking.CancelledUtc = now;
        booking.Revision++;
        db.RemoveRange(await db.Set<BookingSlot>().Where(s => s.BookingId == booking.Id).ToListAsync(cancellationToken));
        db.AddOutboxEvent(new BookingCancelled(booking.Id.Value, resource.Id.Value, resource.OwnerId.Value, booking.RequesterId.Value, resource.AllianceId.Value,
            Utc(booking.StartUtc), Utc(booking.EndUtc), cause, reason, by));
    }

    /// <summary>Tells the booking's route it was cancelled (it ends with status cancelled) and brings the item in step; a route already over is left alone.</summary>
    public static async Task EndRouteAsync(WorkflowRuntime runtime, ItemSync sync, Booking booking, string cause, string? actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(booking);
        if (booking.ItemId is not { } item)
        {
            return;
        }

        await sync.ActAsync(new ItemCommand { ItemId = item, Name = "booking.route-ended", Actor = actor },
            context => runtime.DeliverAsync(new Stimulus(new StimulusId($"booking.cancelled:{booking.Id}"), BookingsApi.CancelledMessage, booking.Id.ToString(),
                new JsonObject { ["cause"] = cause, ["reason"] = booking.CancelReason }), context, cancellationToken),
            cancellationToken);
    }

    /// <summary>The booking and its resource, or 404: visible to the owner's side, the requester's side, and whoever sees the requester.</summary>
    public static async Task<(Booking Booking, Resource Resource)> FindVisibleAsync(
        AllianceDbContext db, AccessScope scope, BookingId id, CancellationToken cancellationToken, bool tracked = false)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        var bookings = tracked ? db.Set<Booking>() : db.Set<Booking>().AsNoTracking();
        var booking = await bookings.SingleOrDefaultAsync(b => b.Id == id, cancellationToken);
        var resource = booking is null ? null : await (tracked ? db.Set<Resource>() : db.Set<Resource>().AsNoTracking()).SingleAsync(r => r.Id == booking.ResourceId, cancellationToken);
        return booking is not null && resource is not null && CanSeeDetails(scope, resource, booking) ? (booking, resource) : throw new NotFoundProblem(BookingsApi.Thing);
    }

    internal static bool CanSeeDetails(AccessScope scope, Resource resource, Booking booking) =>
        ResourcesApi.CanManage(scope, resource.OwnerId) || scope.CanSeeOrganisation(resource.OwnerId) || scope.CanActFor(booking.RequesterId)
        || scope.CanSeeOrganisation(booking.RequesterId);

    /// <summary>
    /// Starts the booking's route and saves its item, linking the booking to it. Also used by <see cref="BookingExpiry"/> for a
    /// booking whose route never started (the host stopped between holding the slot and starting the route).
    /// </summary>
    internal static async Task StartRouteAsync(
        AllianceDbContext db, WorkflowRuntime runtime, Actor actor, Booking booking, Resource resource, PartyAlliance alliance, TimeZoneInfo zone,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var host = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == alliance.HostOrganisationId, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var localStart = TimeZoneInfo.ConvertTimeFromUtc(booking.StartUtc, zone);
        var localEnd = TimeZoneInfo.ConvertTimeFromUtc(booking.EndUtc, zone);
        var slotText = localStart.Date == localEnd.Date
            ? $"{localStart.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}–{localEnd.ToString("HH:mm", CultureInfo.InvariantCulture)}"
            : $"{localStart.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} – {localEnd.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}";
        var item = new Item
        {
            Id = ItemId.New(),
            Kind = ItemKind.ResourceRequest,
            Title = Truncate($"预约：{resource.Name}", 200),
            Description = Truncate($"{booking.Purpose}（{slotText}，{booking.HeadCount} 人）", 4000),
            Category = resource.Categories.FirstOrDefault() ?? "场地",
            AllianceId = alliance.Id,
            HostOrganisationId = host.Id,
            StreetId = host.StreetOfHost(),
            Scope = ItemScope.Alliance,
            DesiredDate = DateOnly.FromDateTime(localStart),
            SubmitterOrganisationId = booking.RequesterId,
            SubmittedBy = booking.RequestedBy,
            CreatedUtc = now,
            UpdatedUtc = now,
        };
        var rules = alliance.Rules;
        var reminderAt = booking.StartUtc - rules.BookingReminderOffset;
        var input = new JsonObject
        {
            ["itemId"] = item.Id.ToString(),
            ["bookingId"] = booking.Id.ToString(),
            ["allianceId"] = alliance.Id.ToString(),
            ["hostId"] = host.Id.ToString(),
            ["streetId"] = item.StreetId.ToString(),
            ["ownerId"] = resource.OwnerId.ToString(),
            ["requesterId"] = booking.RequesterId.ToString(),
            ["resourceName"] = resource.Name,
            ["slotText"] = slotText,
            ["requiresApproval"] = resource.RequiresApproval,
            ["approvalDeadline"] = ItemRoutes.Iso(rules.ResourceApprovalDeadline),
            ["reminders"] = new JsonArray([.. rules.ReminderOffsets.Where(o => o < rules.ResourceApprovalDeadline).Select(o => JsonValue.Create(ItemRoutes.Iso(o)))]),
            ["reminderAt"] = Iso(reminderAt < now ? now : reminderAt),
            ["usedAt"] = Iso(booking.EndUtc),
            ["feedbackWindow"] = ItemRoutes.Iso(rules.BookingFeedbackWindow),
        };
        await ItemRoutes.StartAsync(runtime, item, input, actor, AccessScope.Anonymous, booking.RequesterId, new BookingRouted(booking.Id), booking.Id.ToString(),
            cancellationToken);
    }

    /// <summary>Links the booking to its item in the route's first commit.</summary>
    private sealed record BookingRouted(BookingId Id) : IItemAlongside
    {
        public async Task ApplyAsync(AllianceDbContext db, Item item, ItemEvents events, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(db);
            ArgumentNullException.ThrowIfNull(item);
            (await db.Set<Booking>().SingleAsync(b => b.Id == Id, cancellationToken)).ItemId = item.Id;
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    private static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    internal static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
