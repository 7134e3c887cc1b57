using Alliance.Server.Features.Meetings;
using Alliance.Server.Features.Ui.Pages.Meetings;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Ui.UiText;

namespace Alliance.Server.Features.Ledger;

/// <summary>
/// 会议台账: the joint meetings of the alliances the caller sees, starting in the period, with attendance and resolutions;
/// kind regular, ad hoc, extraordinary or online. For an organisation: meetings it hosts or is a member of. The export
/// adds every agenda point with its vote and outcome (议题与决议).
/// </summary>
public sealed class MeetingLedger : LedgerSection
{
    public override string Key => "meetings";

    public override BilingualText Name => new("联席会议", "Meetings");

    public override IReadOnlyList<string> Statuses => Names<MeetingStatus>();

    public override IReadOnlyList<string> Kinds => Names<MeetingKind>();

    public override IReadOnlyList<LedgerColumn> Columns { get; } =
    [
        new("id", "编号", "Id"), new("title", "会议", "Meeting"), new("alliance", "联盟", "Alliance"), new("kind", "类型", "Kind"),
        new("starts", "时间", "Starts"), new("location", "地点", "Location"), new("status", "状态", "Status"), new("members", "应到", "Members"),
        new("present", "实到", "Present"), new("points", "议题", "Points"), new("resolved", "形成决议", "Resolutions"), new("minutes", "纪要发布", "Minutes published"),
    ];

    private static readonly IReadOnlyList<LedgerColumn> PointColumns =
    [
        new("id", "会议编号", "Meeting id"), new("meeting", "会议", "Meeting"), new("order", "序号", "No."), new("title", "议题", "Point"),
        new("kind", "类别", "Kind"), new("for", "赞成", "For"), new("against", "反对", "Against"), new("abstain", "弃权", "Abstain"),
        new("outcome", "结果", "Outcome"), new("resolution", "决议", "Resolution"), new("lead", "牵头单位", "Lead unit"), new("due", "完成时限", "Due"),
    ];

    public override Task<LedgerRows> RowsAsync(LedgerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var members = context.Db.Set<MeetingMember>();
        var points = context.Db.Set<AgendaPoint>();
        var rows = Filtered(context)
            .OrderBy(m => m.StartsUtc).ThenBy(m => m.Id)
            .Select(m => new
            {
                m.Id, m.Title, m.AllianceId, m.Kind, m.StartsUtc, m.EndsUtc, m.Location, m.Status, m.MinutesPublishedUtc,
                Members = members.Count(x => x.MeetingId == m.Id),
                Present = members.Count(x => x.MeetingId == m.Id && x.CheckedInUtc != null),
                Points = points.Count(p => p.MeetingId == m.Id && p.RemovedUtc == null),
                Resolved = points.Count(p => p.MeetingId == m.Id && p.RemovedUtc == null && p.Outcome == AgendaOutcome.Resolved),
            });
        return Task.FromResult(LedgerRows.Of(rows, m => [
            m.Id.Value.ToString(), m.Title, context.Alliance(m.AllianceId), MeetingText.Kind(m.Kind), MeetingText.When(m.StartsUtc, m.EndsUtc), m.Location,
            MeetingText.Status(m.Status), m.Members, m.Present, m.Points, m.Resolved, China(m.MinutesPublishedUtc),
        ]));
    }

    public override Task<IReadOnlyList<(string Sheet, IReadOnlyList<LedgerColumn> Columns, LedgerRows Rows)>> DetailsAsync(
        LedgerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var points = context.Db.Set<AgendaPoint>().AsNoTracking().Where(p => p.RemovedUtc == null)
            .Join(Filtered(context), p => p.MeetingId, m => m.Id, (p, m) => new
            {
                m.Id, Meeting = m.Title, m.StartsUtc, p.Order, p.Title, p.Kind, p.VotesFor, p.VotesAgainst, p.VotesAbstain, p.Outcome, p.Resolution, p.LeadUnitId, p.DueDate,
            })
            .OrderBy(x => x.StartsUtc).ThenBy(x => x.Id).ThenBy(x => x.Order);
        return Task.FromResult<IReadOnlyList<(string, IReadOnlyList<LedgerColumn>, LedgerRows)>>([("议题与决议", PointColumns, LedgerRows.Of(points, x => [
            x.Id.Value.ToString(), x.Meeting, x.Order, x.Title, MeetingText.PointKind(x.Kind), x.VotesFor, x.VotesAgainst, x.VotesAbstain,
            x.Outcome is { } o ? MeetingText.Outcome(x.Kind, o) : null, x.Resolution, context.Organisation(x.LeadUnitId), x.DueDate is { } d ? Date(d) : null,
        ]))]);
    }

    private static IQueryable<Meeting> Filtered(LedgerContext context)
    {
        var f = context.Filter;
        var meetings = context.Db.Set<Meeting>().AsNoTracking();
        if (!context.Scope.IsDistrictAdmin)
        {
            var visible = context.Scope.VisibleAllianceIds.ToList();
            meetings = meetings.Where(m => visible.Contains(m.AllianceId));
        }

        if (context.AllianceIds is { } alliances)
        {
            meetings = meetings.Where(m => alliances.Contains(m.AllianceId));
        }

        if (context.Whose.Organisation is { } org)
        {
            var members = context.Db.Set<MeetingMember>();
            meetings = meetings.Where(m => m.HostOrganisationId == org || members.Any(x => x.MeetingId == m.Id && x.OrganisationId == org));
        }

        if (f.FromUtc() is { } from)
        {
            meetings = meetings.Where(m => m.StartsUtc >= from);
        }

        if (f.UntilUtc() is { } until)
        {
            meetings = meetings.Where(m => m.StartsUtc < until);
        }

        if (f.Status is { } statusName)
        {
            var status = Parse<MeetingStatus>(statusName);
            meetings = meetings.Where(m => m.Status == status);
        }

        if (f.Kind is { } kindName)
        {
            var kind = Parse<MeetingKind>(kindName);
            meetings = meetings.Where(m => m.Kind == kind);
        }

        return meetings;
    }
}
