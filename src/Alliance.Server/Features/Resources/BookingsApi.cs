using Alliance.Contracts.Resources;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Server.Features.Resources;

/// <summary>
/// The booking endpoints (预约) and their wire types, thin over <see cref="BookingOperations"/>: a request is checked at
/// once and its slot held (docs/adr/0004), then its route (workflow <c>resource-request</c>) takes over: approval,
/// reminder, feedback. Cancellation follows the alliance's rules and both sides are told.
/// </summary>
public static class BookingsApi
{
    public static readonly BilingualText Thing = new("预约", "booking");

    public const string Workflow = "resource-request";

    /// <summary>The message that ends a booking's route when the booking is cancelled (correlation: the booking id).</summary>
    public const string CancelledMessage = "booking.cancelled";

    public static IEndpointRouteBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        var resources = app.MapGroup("/api/resources").WithTags("Resources").RequireAuthorization();
        resources.MapPost("/{id:guid}/bookings", Request).WithName("RequestBooking")
            .WithSummary("Request a slot (start, end, purpose, head count, requesting organisation); refused at once outside the hours, over capacity, on a taken slot or in emergency mode / 预约共享资源");
        resources.MapGet("/{id:guid}/bookings", ListForResource).WithName("ListResourceBookings")
            .WithSummary("A resource's bookings in a period: full details for the owner's side, the caller's own, and the busy times of the rest / 资源预约日历")
            .WithDescription("The period is from..to; without them it is the last day and the next 60 days (from = now - 1 day, to = now + 60 days), at most 366 days. The response says the period applied (from, to).");
        var bookings = app.MapGroup("/api/bookings").WithTags("Resources").RequireAuthorization();
        bookings.MapGet("/", ListMine).WithName("ListMyBookings")
            .WithSummary("Bookings the caller's organisations requested or own the resource of / 我的预约（申请的与收到的）");
        bookings.MapGet("/{id:guid}", Get).WithName("GetBooking").WithSummary("One booking / 预约详情");
        bookings.MapPost("/{id:guid}/cancel", Cancel).WithName("CancelBooking")
            .WithSummary("Cancel a booking: the requester up to the rules' cut-off before it begins, the owner's side at any time before it ends with a reason / 取消预约");
        return app;
    }

    public sealed record BookingRequest(DateTimeOffset? Start, DateTimeOffset? End, string? Purpose, int? HeadCount, OrganisationId? RequesterId);

    public sealed record CancelBookingRequest(string? Reason);

    public sealed record BookingResponse(
        BookingId Id, ResourceId ResourceId, string ResourceName, OrganisationId OwnerId, OrganisationId RequesterId, Guid? RequestedBy, DateTimeOffset Start,
        DateTimeOffset End, string Purpose, int HeadCount, BookingStatus Status, ItemId? ItemId, string? DecidedBy, DateTimeOffset? DecidedAt,
        string? DecisionNote, string? CancelCause, string? CancelReason, DateTimeOffset? CancelledAt, Guid? EmergencyId, string? OwnerFeedback,
        string? RequesterFeedback, string? RequesterRating, DateTimeOffset? UsedAt, DateTimeOffset CreatedAt)
    {
        public static BookingResponse From(Booking b, Resource r) =>
            new(b.Id, b.ResourceId, r.Name, r.OwnerId, b.RequesterId, b.RequestedBy, BookingLifecycle.Utc(b.StartUtc), BookingLifecycle.Utc(b.EndUtc), b.Purpose, b.HeadCount, b.Status, b.ItemId,
                b.DecidedBy, BookingLifecycle.Utc(b.DecidedUtc), b.DecisionNote, b.CancelCause, b.CancelReason, BookingLifecycle.Utc(b.CancelledUtc), b.EmergencyId, b.OwnerFeedback,
                b.RequesterFeedback, b.RequesterRating, BookingLifecycle.Utc(b.UsedUtc), BookingLifecycle.Utc(b.CreatedUtc));
    }

    public sealed record BusyTime(DateTimeOffset Start, DateTimeOffset End, string Why);

    /// <summary>A resource's calendar in the period applied (<see cref="From"/>..<see cref="To"/>, the defaults when not given).</summary>
    public sealed record ResourceCalendar(ResourceId ResourceId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<BookingResponse> Bookings, IReadOnlyList<BusyTime> Busy);

    /// <summary>The calendar's default period around now, and its longest.</summary>
    public static readonly TimeSpan CalendarBefore = TimeSpan.FromDays(1), CalendarAfter = TimeSpan.FromDays(60), CalendarLongest = TimeSpan.FromDays(366);

    public static async Task<Created<BookingResponse>> Request(
        Guid id, BookingRequest request, AccessScope scope, BookingOperations bookings, CancellationToken cancellationToken)
    {
        var booking = await bookings.RequestAsync(scope, new ResourceId(id), request, cancellationToken);
        return TypedResults.Created($"/api/bookings/{booking.Id}", booking);
    }

    public static async Task<Ok<ResourceCalendar>> ListForResource(
        Guid id, DateTimeOffset? from, DateTimeOffset? to, AccessScope scope, BookingOperations bookings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await bookings.CalendarAsync(scope, new ResourceId(id), from, to, cancellationToken));

    public static async Task<Ok<List<BookingResponse>>> ListMine(AccessScope scope, BookingOperations bookings, string? status, CancellationToken cancellationToken) =>
        TypedResults.Ok(await bookings.ListMineAsync(scope, status, cancellationToken));

    public static async Task<Ok<BookingResponse>> Get(Guid id, AccessScope scope, BookingOperations bookings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await bookings.GetAsync(scope, new BookingId(id), cancellationToken));

    public static async Task<Ok<BookingResponse>> Cancel(
        Guid id, CancelBookingRequest request, AccessScope scope, BookingOperations bookings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await bookings.CancelAsync(scope, new BookingId(id), request, cancellationToken));
}
