using System.Globalization;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Items;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Meetings;

/// <summary>The host's own meeting actions, for the calendar job (<see cref="MeetingCalendar"/>): no person, no scope.</summary>
public sealed partial class MeetingOperations
{
    /// <summary>How long a regular meeting lasts when the calendar creates it (the chair may reschedule by cancelling it).</summary>
    public static readonly TimeSpan RegularLength = TimeSpan.FromHours(2);

    /// <summary>
    /// The alliance's regular meeting (例会) at <paramref name="startsUtc"/>, created once on any number of nodes (under the
    /// alliance's lock, only if it has no regular meeting at that start). True when this call created it.
    /// </summary>
    internal async Task<bool> ScheduleRegularAsync(PartyAlliance alliance, DateTime startsUtc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alliance);
        var local = TimeZoneInfo.ConvertTimeFromUtc(startsUtc, ZoneOf(alliance.Rules));
        var members = await ItemRoutes.MembersAsync(db, alliance.Id, cancellationToken);
        return await CreateAsync(new Meeting
        {
            Id = MeetingId.New(),
            AllianceId = alliance.Id,
            HostOrganisationId = alliance.HostOrganisationId,
            Kind = MeetingKind.Regular,
            Title = $"{alliance.Name}{local.ToString("yyyy年M月", CultureInfo.InvariantCulture)}联席会议",
            StartsUtc = startsUtc,
            EndsUtc = startsUtc + RegularLength,
            Status = MeetingStatus.Scheduled,
            CreatedUtc = time.GetUtcNow().UtcDateTime,
            Members = [.. members.Select(m => new MeetingMember { OrganisationId = m.Id })],
        }, regularOnce: true, cancellationToken);
    }

    /// <summary>
    /// Notice time (the rules' <see cref="RulesOfProcedure.MeetingNoticeDays"/> before the start) with the agenda still
    /// open: the window closes and the notice goes out, as if the chair had fixed it. False if it was fixed meanwhile.
    /// </summary>
    internal Task<bool> CloseAgendaWindowAsync(MeetingId id, CancellationToken cancellationToken) =>
        ApplyAsync(null, id, "meeting.agenda-fixed", (meeting, _) =>
        {
            if (meeting.Status != MeetingStatus.Scheduled)
            {
                return Task.FromResult<MeetingChange?>(null);
            }

            meeting.Status = MeetingStatus.AgendaFixed;
            meeting.AgendaFixedUtc = time.GetUtcNow().UtcDateTime;
            return Task.FromResult<MeetingChange?>(new MeetingChange { After = new { meeting.Status, By = "calendar", Reason = "notice time" } });
        }, cancellationToken);

    internal static TimeZoneInfo ZoneOf(RulesOfProcedure rules) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(rules.TimeZone, out var zone) ? zone : China;
}
