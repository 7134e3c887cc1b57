using System.Security.Cryptography;
using System.Text;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Infrastructure.Persistence;
using Cronos;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Meetings;

/// <summary>
/// The meeting calendar, a recurring job (every ten minutes, on whichever node Hangfire gives it; each step is safe to
/// run twice or on two nodes at once):
/// <list type="number">
/// <item>each active alliance's next regular meeting of its <see cref="RulesOfProcedure.MeetingSchedule"/> (in its time
/// zone) is created <see cref="RulesOfProcedure.MeetingLeadDays"/> ahead, once;</item>
/// <item>at notice time (<see cref="RulesOfProcedure.MeetingNoticeDays"/> before the start) an agenda still open is fixed,
/// which sends the notice;</item>
/// <item>a day before the start, the members that have not replied are reminded, once per meeting.</item>
/// </list>
/// </summary>
public sealed class MeetingCalendar(AllianceDbContext db, MeetingOperations meetings, NotificationWriter writer, TimeProvider time, ILogger<MeetingCalendar> logger)
{
    public const string JobId = "meetings-calendar";

    public static readonly TimeSpan ReminderBefore = TimeSpan.FromDays(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var created = await PlanAsync(cancellationToken);
        var fixedNow = await CloseAgendaWindowsAsync(cancellationToken);
        var reminded = await RemindAsync(cancellationToken);
        if (created + fixedNow + reminded > 0)
        {
            logger.LogInformation("Meeting calendar: {Created} regular meeting(s) created, {Fixed} agenda(s) fixed at notice time, {Reminded} meeting(s) reminded",
                created, fixedNow, reminded);
        }
    }

    private async Task<int> PlanAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var created = 0;
        foreach (var alliance in await db.Alliances.AsNoTracking().Where(a => a.Status == AllianceStatus.Active).ToListAsync(cancellationToken))
        {
            if (!CronExpression.TryParse(alliance.Rules.MeetingSchedule, out var schedule)
                || schedule.GetNextOccurrence(now, MeetingOperations.ZoneOf(alliance.Rules)) is not { } next
                || next - now > TimeSpan.FromDays(alliance.Rules.MeetingLeadDays))
            {
                continue;
            }

            if (await meetings.ScheduleRegularAsync(alliance, next.UtcDateTime, cancellationToken))
            {
                created++;
            }
        }

        return created;
    }

    private async Task<int> CloseAgendaWindowsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var open = await db.Set<Meeting>().AsNoTracking().Where(m => m.Status == MeetingStatus.Scheduled && m.StartsUtc > now)
            .Join(db.Alliances.AsNoTracking(), m => m.AllianceId, a => a.Id, (m, a) => new { m.Id, m.StartsUtc, a.Rules.MeetingNoticeDays })
            .ToListAsync(cancellationToken);
        var done = 0;
        foreach (var meeting in open.Where(m => m.StartsUtc - now <= TimeSpan.FromDays(m.MeetingNoticeDays)))
        {
            done += await meetings.CloseAgendaWindowAsync(meeting.Id, cancellationToken) ? 1 : 0;
        }

        return done;
    }

    /// <summary>Once per meeting: the reminder's source id is derived from the meeting, so the writer's de-duplication makes a second run a no-op.</summary>
    private async Task<int> RemindAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var soon = now + ReminderBefore;
        var due = await db.Set<Meeting>().AsNoTracking().Include(m => m.Members)
            .Where(m => m.Status == MeetingStatus.AgendaFixed && m.StartsUtc > now && m.StartsUtc <= soon).ToListAsync(cancellationToken);
        var sent = 0;
        foreach (var meeting in due)
        {
            var silent = meeting.Members.Where(m => m.Reply is null).Select(m => m.OrganisationId.Value).ToList();
            if (silent.Count == 0)
            {
                continue;
            }

            try
            {
                var told = await writer.WriteAsync(MeetingNotices.ConsumerName, ReminderId(meeting.Id), new NotificationRequest(
                    NotificationTopics.MeetingReminder, meeting.AllianceId.Value, silent, meeting.Id.Value, MeetingNotices.Values(meeting, null)), cancellationToken);
                sent += told > 0 ? 1 : 0;
            }
            catch (DbUpdateException)
            {
                // another run (another node) wrote this meeting's reminder at the same moment: its processed-message row
                // is unique, so exactly one of the two stands
                db.ChangeTracker.Clear();
            }
        }

        return sent;
    }

    private static Guid ReminderId(MeetingId meeting) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"meeting-reminder:{meeting.Value:D}")).AsSpan(0, 16));
}

/// <summary>Registers the calendar job once the host starts.</summary>
internal sealed class MeetingCalendarStartup(IRecurringJobManager recurring, IConfiguration configuration) : IHostedService
{
    /// <summary>How often the calendar runs (<c>Alliance:MeetingCalendarSchedule</c>, a cron expression; every ten minutes by default).</summary>
    public const string ScheduleKey = "Alliance:MeetingCalendarSchedule";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<MeetingCalendar>(MeetingCalendar.JobId, c => c.RunAsync(CancellationToken.None), configuration[ScheduleKey] ?? "*/10 * * * *");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
