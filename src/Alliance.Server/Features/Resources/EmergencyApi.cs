using Alliance.Server.Features.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Server.Features.Resources;

/// <summary>
/// The endpoints of 平急转换 and their wire types, thin over <see cref="EmergencyOperations"/> (which the web UI calls
/// too): switch a venue to emergency use for a period (every overlapping booking cancelled at once), switch it back,
/// and its history.
/// </summary>
public static class EmergencyApi
{
    public static IEndpointRouteBuilder MapEmergencyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/resources").WithTags("Resources").RequireAuthorization();
        api.MapPost("/{id:guid}/emergency", SwitchToEmergency).WithName("SwitchVenueToEmergency")
            .WithSummary("平急转换: switch a venue to emergency use for a period; every overlapping booking is cancelled at once with a notice / 切换为应急状态");
        api.MapPost("/{id:guid}/emergency/end", SwitchBack).WithName("SwitchVenueBack")
            .WithSummary("Switch a venue in emergency use back to normal use / 恢复平时状态");
        api.MapGet("/{id:guid}/emergencies", History).WithName("ListVenueEmergencies")
            .WithSummary("Every emergency switch of a resource, newest first / 平急转换记录");
        return app;
    }

    public sealed record EmergencyRequest(DateTimeOffset? From, DateTimeOffset? To, string? Reason);

    public sealed record EmergencyResponse(
        Guid Id, ResourceId ResourceId, DateTimeOffset From, DateTimeOffset To, string Reason, Guid? StartedBy, DateTimeOffset StartedAt, int CancelledBookings,
        DateTimeOffset? EndedAt, Guid? EndedBy, bool Active, IReadOnlyList<BookingId> Cancelled)
    {
        public static EmergencyResponse Of(ResourceEmergency e, IReadOnlyList<BookingId> cancelled) =>
            new(e.Id, e.ResourceId, BookingLifecycle.Utc(e.FromUtc), BookingLifecycle.Utc(e.ToUtc), e.Reason, e.StartedBy, BookingLifecycle.Utc(e.StartedUtc), e.CancelledBookings,
                BookingLifecycle.Utc(e.EndedUtc), e.EndedBy, e.IsActive, cancelled);
    }

    public static async Task<Created<EmergencyResponse>> SwitchToEmergency(
        Guid id, EmergencyRequest request, AccessScope scope, EmergencyOperations emergencies, CancellationToken cancellationToken)
    {
        var response = await emergencies.SwitchAsync(scope, new ResourceId(id), request, cancellationToken);
        return TypedResults.Created($"/api/resources/{response.ResourceId}/emergencies", response);
    }

    public static async Task<Ok<EmergencyResponse>> SwitchBack(Guid id, AccessScope scope, EmergencyOperations emergencies, CancellationToken cancellationToken) =>
        TypedResults.Ok(await emergencies.SwitchBackAsync(scope, new ResourceId(id), cancellationToken));

    public static async Task<Ok<List<EmergencyResponse>>> History(Guid id, AccessScope scope, EmergencyOperations emergencies, CancellationToken cancellationToken) =>
        TypedResults.Ok(await emergencies.HistoryAsync(scope, new ResourceId(id), cancellationToken));
}
