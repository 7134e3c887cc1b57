using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace Alliance.Server.Features.Meetings;

/// <summary>A meeting as an iCalendar invitation (RFC 5545, Ical.Net): its times in UTC, its agenda in the description, cancelled when it is.</summary>
public static class MeetingInvitation
{
    public static byte[] Write(Meeting meeting, string agenda)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        var calendar = new Calendar { Method = "PUBLISH" };
        calendar.Events.Add(new CalendarEvent
        {
            Uid = $"meeting-{meeting.Id.Value}@alliance",
            Summary = meeting.Title,
            Description = "议程：\n" + agenda,
            Location = meeting.Location,
            DtStart = new CalDateTime(DateTime.SpecifyKind(meeting.StartsUtc, DateTimeKind.Utc)),
            DtEnd = new CalDateTime(DateTime.SpecifyKind(meeting.EndsUtc, DateTimeKind.Utc)),
            Status = meeting.Status == MeetingStatus.Cancelled ? "CANCELLED" : "CONFIRMED",
            Sequence = meeting.Revision,
        });
        return global::System.Text.Encoding.UTF8.GetBytes(new CalendarSerializer().SerializeToString(calendar) ?? "");
    }
}
