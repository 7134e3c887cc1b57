using Alliance.Server.Features.Access;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Resources.BookingsApi;

namespace Alliance.Server.Features.Meetings;

/// <summary>
/// A meeting in a shared venue: the chair books it through the booking route for the alliance's host (opening hours,
/// capacity for every member and the chair, no double booking, the owner's approval rule), before the meeting is
/// created; a meeting that then fails to be created releases it. A booking refusal is answered on <c>venueId</c>
/// (validation) or as the booking's own 409 (a taken slot, an emergency).
/// </summary>
public sealed partial class MeetingOperations
{
    private async Task<BookingResponse> BookVenueAsync(
        AccessScope scope, ResourceId venue, ScheduleMeetingRequest request, OrganisationId host, int headCount, CancellationToken cancellationToken)
    {
        try
        {
            return await bookings.RequestAsync(scope, venue,
                new BookingRequest(request.StartsAt, request.EndsAt, $"联席会议：{FieldErrors.Stored(request.Title!)}", headCount, host), cancellationToken);
        }
        catch (ValidationProblem problem)
        {
            throw new ValidationProblem(new Dictionary<string, BilingualText>
            {
                ["venueId"] = new("场地不能预约：" + string.Join("；", problem.Errors.Values.Select(e => e.Zh)),
                    "The venue cannot be booked: " + string.Join("; ", problem.Errors.Values.Select(e => e.En))),
            });
        }
        catch (NotFoundProblem)
        {
            throw ValidationProblem.For("venueId", "该场地不存在，或您无权预约。", "The venue does not exist, or you may not book it.");
        }
    }

    /// <summary>Best effort: a booking the requester may no longer cancel (its cut-off passed) stays for the owner to release.</summary>
    private async Task ReleaseVenueAsync(AccessScope scope, BookingId booking, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await bookings.CancelAsync(scope, booking, new CancelBookingRequest(reason), cancellationToken);
        }
        catch (AllianceProblemException)
        {
            // already cancelled, past the cut-off, or no longer visible: the meeting's own change stands
        }
    }

    /// <summary>
    /// The venue's booking was cancelled (平急转换, or by its owner): the meeting, unless it is over, moves online and
    /// loses the venue; <see cref="MeetingNotices"/> tells the members. Once per booking (a redelivery finds it moved).
    /// </summary>
    internal async Task<bool> VenueLostAsync(BookingId booking, string cause, string? reason, CancellationToken cancellationToken)
    {
        var id = await db.Set<Meeting>().Where(m => m.BookingId == booking).Select(m => (MeetingId?)m.Id).FirstOrDefaultAsync(cancellationToken);
        return id is { } meeting && await ApplyAsync(null, meeting, "meeting.moved", (m, _) =>
        {
            if (m.BookingId != booking || m.Status is MeetingStatus.Closed or MeetingStatus.MinutesPublished or MeetingStatus.Cancelled)
            {
                return Task.FromResult<MeetingChange?>(null);
            }

            var before = new { m.Location, m.VenueId, m.BookingId };
            var venue = m.Location ?? "原定场地";
            m.Location = cause == "emergency" ? $"改为线上召开（原场地「{venue}」转为应急使用）" : $"场地待定（原场地「{venue}」的预约已取消）";
            m.VenueId = null;
            m.BookingId = null;
            return Task.FromResult<MeetingChange?>(new MeetingChange { Before = before, After = new { m.Location, Cause = cause, Reason = reason }, Note = reason });
        }, cancellationToken);
    }
}
