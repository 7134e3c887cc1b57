using System.Globalization;
using System.Text;
using Alliance.Server.Features.Access;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Meetings;

/// <summary>
/// 会议纪要: drafted from the record when the meeting closes (attendance, each point with its notes, outcome, vote counts
/// and joint task), edited by the chair, then published: publishing fixes them, and their text goes into the audit
/// chain, which seals it. Downloadable as .docx (<see cref="MinutesDocument"/>).
/// </summary>
public sealed partial class MeetingOperations
{
    public Task<MeetingView> EditMinutesAsync(AccessScope scope, MeetingId id, string? minutes, CancellationToken cancellationToken)
    {
        new FieldErrors().Text("minutes", minutes, new("会议纪要", "minutes"), 20000).ThrowIfAny();
        return ChangeAsync(scope, id, "meeting.minutes-edited", (meeting, _) =>
        {
            DemandPreparer(scope, meeting);
            DemandStatus(meeting, new("修改纪要", "edit its minutes"), MeetingStatus.Closed);
            var before = meeting.Minutes;
            meeting.Minutes = FieldErrors.Stored(minutes!);
            return Task.FromResult(new MeetingChange { Before = new { Minutes = before }, After = new { meeting.Minutes } });
        }, cancellationToken);
    }

    public Task<MeetingView> PublishMinutesAsync(AccessScope scope, MeetingId id, CancellationToken cancellationToken) =>
        ChangeAsync(scope, id, "meeting.minutes-published", (meeting, _) =>
        {
            DemandChair(scope, meeting.HostOrganisationId);
            DemandStatus(meeting, new("发布纪要", "publish its minutes"), MeetingStatus.Closed);
            meeting.Status = MeetingStatus.MinutesPublished;
            meeting.MinutesPublishedUtc = time.GetUtcNow().UtcDateTime;
            var digest = Convert.ToHexString(global::System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(meeting.Minutes ?? "")));
            return Task.FromResult(new MeetingChange { After = new { meeting.Status, meeting.Minutes, Sha256 = digest } });
        }, cancellationToken);

    /// <summary>The minutes as a Word document (the format the offices file); the draft while unpublished, marked so.</summary>
    public async Task<(byte[] Content, string FileName)> MinutesDocumentAsync(AccessScope scope, MeetingId id, CancellationToken cancellationToken)
    {
        var meeting = await LoadAsync(scope, id, tracked: false, cancellationToken);
        if (meeting.Minutes is null)
        {
            throw new ConflictProblem("meeting.no-minutes", new("会议尚未结束，还没有纪要。", "The meeting has not closed; it has no minutes yet."));
        }

        var title = meeting.Title + (meeting.Status == MeetingStatus.MinutesPublished ? " 会议纪要" : " 会议纪要（草稿）");
        var content = MinutesDocument.Write(title, meeting.Minutes);
        var local = TimeZoneInfo.ConvertTimeFromUtc(meeting.StartsUtc, China);
        return (content, $"会议纪要-{local:yyyyMMdd}-{meeting.Id.Value.ToString()[..8]}.docx");
    }

    /// <summary>The meeting as an iCalendar invitation (.ics), in China Standard Time.</summary>
    public async Task<(byte[] Content, string FileName)> InvitationAsync(AccessScope scope, MeetingId id, CancellationToken cancellationToken)
    {
        var meeting = await LoadAsync(scope, id, tracked: false, cancellationToken);
        var agenda = string.Join('\n', meeting.Agenda.Where(p => p.IsOnAgenda).OrderBy(p => p.Order).Select(p => $"{p.Order}. {p.Title}"));
        return (MeetingInvitation.Write(meeting, agenda), $"meeting-{meeting.Id.Value.ToString()[..8]}.ics");
    }

    internal static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The minutes drafted from the record of a meeting that is closing.</summary>
    private async Task<string> DraftMinutesAsync(Meeting meeting, CancellationToken cancellationToken)
    {
        var ids = meeting.Members.Select(m => m.OrganisationId).Concat(meeting.Agenda.Where(p => p.LeadUnitId is not null).Select(p => p.LeadUnitId!.Value)).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var starts = TimeZoneInfo.ConvertTimeFromUtc(meeting.OpenedUtc ?? meeting.StartsUtc, China);
        var ends = TimeZoneInfo.ConvertTimeFromUtc(meeting.ClosedUtc ?? meeting.EndsUtc, China);
        text.Append(c, $"会议名称：{meeting.Title}\n时间：{starts:yyyy年M月d日 HH:mm}—{ends:HH:mm}（北京时间）\n");
        if (meeting.Location is not null)
        {
            text.Append(c, $"地点：{meeting.Location}\n");
        }

        var present = meeting.Members.Where(m => m.CheckedInUtc is not null).ToList();
        text.Append(c, $"应到成员单位 {meeting.Members.Count} 个，实到 {present.Count} 个。\n");
        text.Append("出席：").Append(string.Join("、", present.Select(m => names.GetValueOrDefault(m.OrganisationId) + (m.Reply == MeetingReply.Deputy ? $"（委托 {m.DeputyName}）" : "")))).Append('\n');
        var absent = meeting.Members.Where(m => m.CheckedInUtc is null).ToList();
        if (absent.Count > 0)
        {
            text.Append("缺席：").Append(string.Join("、", absent.Select(m => names.GetValueOrDefault(m.OrganisationId) + (m.AbsenceReason is { } r ? $"（{r}）" : "")))).Append('\n');
        }

        foreach (var point in meeting.Agenda.Where(p => p.IsOnAgenda).OrderBy(p => p.Order))
        {
            text.Append(c, $"\n议题{point.Order}：{point.Title}\n");
            if (point.Summary is not null)
            {
                text.Append(point.Summary).Append('\n');
            }

            if (point.Notes is not null)
            {
                text.Append("讨论情况：").Append(point.Notes).Append('\n');
            }

            if (point.VoteClosedUtc is not null)
            {
                text.Append(c, $"表决：到会 {point.Eligible} 个成员单位，赞成 {point.VotesFor}，反对 {point.VotesAgainst}，弃权 {point.VotesAbstain}。\n");
            }

            text.Append("结果：").Append(point.Outcome switch
            {
                AgendaOutcome.Resolved => point.Kind == AgendaPointKind.Decision ? "表决通过" : "议定",
                AgendaOutcome.Failed => "表决未通过",
                AgendaOutcome.Deferred => "缓议，列入下次会议",
                AgendaOutcome.Escalated => "提交街道协调",
                _ => "已听取",
            });
            if (point.Resolution is not null)
            {
                text.Append('。').Append(point.Resolution);
            }

            if (point.LeadUnitId is { } lead)
            {
                text.Append(c, $"。由{names.GetValueOrDefault(lead)}牵头落实{(point.DueDate is { } due ? $"，{due:yyyy年M月d日}前完成" : "")}");
            }

            text.Append("。\n");
        }

        return text.ToString().TrimEnd();
    }
}
