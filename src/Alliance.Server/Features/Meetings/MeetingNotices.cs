using System.Globalization;
using Alliance.Contracts.Meetings;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Infrastructure.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Meetings;

/// <summary>
/// Meetings in the notification centre (each a rule per alliance, on by default; the members' people are told):
/// the agenda fixed → the notice (time, place, agenda, the .ics link) to every member; cancelled → every member;
/// minutes published → every member, with the .docx link; moved (its venue lost to 平急转换) → every member, urgent. The reminder to members that have not replied comes from
/// <see cref="MeetingCalendar"/>. Exactly once per event (<see cref="NotificationWriter"/>).
/// </summary>
public sealed class MeetingNotices(NotificationWriter writer, AllianceDbContext db) : IConsumer<MeetingChanged>
{
    public const string ConsumerName = "meeting-notices";

    public async Task Consume(ConsumeContext<MeetingChanged> context)
    {
        var m = context.Message;
        var topic = m.Change switch
        {
            "meeting.agenda-fixed" => NotificationTopics.MeetingNotice,
            "meeting.cancelled" => NotificationTopics.MeetingCancelled,
            "meeting.minutes-published" => NotificationTopics.MeetingMinutes,
            "meeting.moved" => NotificationTopics.MeetingMoved,
            _ => null,
        };
        if (topic is null)
        {
            return;
        }

        var id = new MeetingId(m.MeetingId);
        var meeting = await db.Set<Meeting>().AsNoTracking().Include(x => x.Members).Include(x => x.Agenda).AsSplitQuery()
            .SingleOrDefaultAsync(x => x.Id == id, context.CancellationToken);
        if (meeting is null)
        {
            return;
        }

        await writer.WriteAsync(ConsumerName, m.EventId, new NotificationRequest(
            topic, m.AllianceId, [.. meeting.Members.Select(x => x.OrganisationId.Value)], m.MeetingId, Values(meeting, m.Note ?? meeting.CancelReason)), context.CancellationToken);
    }

    /// <summary>The values of the meeting templates: name, start (China Standard Time), place, agenda, links, reason.</summary>
    public static Dictionary<string, string?> Values(Meeting meeting, string? reason)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        var agenda = string.Join("；", meeting.Agenda.Where(p => p.IsOnAgenda).OrderBy(p => p.Order).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Order}. {p.Title}")));
        return new Dictionary<string, string?>
        {
            ["meeting"] = meeting.Title,
            ["start"] = NotificationTopics.Format(new DateTimeOffset(DateTime.SpecifyKind(meeting.StartsUtc, DateTimeKind.Utc))),
            ["location"] = meeting.Location ?? "（地点待定）",
            ["agenda"] = agenda.Length == 0 ? "（无）" : agenda,
            ["ics"] = $"/api/meetings/{meeting.Id.Value:D}/invitation.ics",
            ["docx"] = $"/api/meetings/{meeting.Id.Value:D}/minutes.docx",
            ["reason"] = reason,
        };
    }
}
