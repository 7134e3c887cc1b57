using Alliance.Server.Features.Commitments;
using Alliance.Server.Infrastructure.Problems;
using static Alliance.Server.Features.Ui.UiText;

namespace Alliance.Server.Features.Ledger;

/// <summary>
/// 承诺台账: every commitment the caller sees (<see cref="CommitmentsApi.VisibleAsync"/>) for a year the period touches;
/// overdue: a report came late or was missed. For an organisation: the unit's own. The export adds
/// each report period (报告).
/// </summary>
public sealed class CommitmentLedger : LedgerSection
{
    public override string Key => "commitments";

    public override BilingualText Name => new("承诺", "Commitments");

    public override IReadOnlyList<string> Statuses => ["draft", "submitted", "returned", .. Commitment.PublishedStatuses];

    public override IReadOnlyList<LedgerColumn> Columns { get; } =
    [
        new("id", "编号", "Id"), new("unit", "承诺单位", "Unit"), new("alliance", "联盟", "Alliance"), new("year", "年度", "Year"),
        new("title", "承诺事项", "Commitment"), new("category", "类别", "Category"), new("target", "目标", "Target"), new("done", "已完成", "Done"),
        new("status", "状态", "Status"), new("responsible", "责任人", "Responsible"), new("confirmed", "确认时间", "Confirmed"),
        new("reports", "已报告期数", "Reports"), new("late", "逾期报告", "Late reports"), new("assessment", "评定", "Assessment"),
    ];

    private static readonly IReadOnlyList<LedgerColumn> ReportColumns =
    [
        new("id", "承诺编号", "Commitment id"), new("title", "承诺事项", "Commitment"), new("period", "期次", "Period"), new("due", "应报时间", "Due"),
        new("reported", "报告时间", "Reported"), new("quantity", "本期完成", "Quantity"), new("note", "说明", "Note"), new("late", "逾期", "Late"),
    ];

    public override async Task<LedgerRows> RowsAsync(LedgerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var periods = context.Db.Set<CommitmentPeriod>();
        var rows = (await FilteredAsync(context, cancellationToken))
            .OrderBy(c => c.Year).ThenBy(c => c.CreatedUtc).ThenBy(c => c.Id)
            .Select(c => new
            {
                c.Id, c.UnitId, c.AllianceId, c.Year, c.Title, c.Category, c.TargetQuantity, c.TargetUnit, c.DoneQuantity, c.Status, c.ResponsiblePerson, c.ConfirmedUtc,
                c.Assessment,
                Reports = periods.Count(p => p.CommitmentId == c.Id && p.ReportedUtc != null),
                Late = periods.Count(p => p.CommitmentId == c.Id && (p.Late || p.MissedUtc != null)),
            });
        return LedgerRows.Of(rows, c => [
            c.Id.Value.ToString(), context.Organisation(c.UnitId), context.Alliance(c.AllianceId), c.Year, c.Title, c.Category, $"{c.TargetQuantity:0.##} {c.TargetUnit}",
            $"{c.DoneQuantity:0.##} {c.TargetUnit}", Status(c.Status), c.ResponsiblePerson, China(c.ConfirmedUtc), c.Reports, c.Late,
            c.Assessment is { } a ? Status(a) : null,
        ]);
    }

    public override async Task<IReadOnlyList<(string Sheet, IReadOnlyList<LedgerColumn> Columns, LedgerRows Rows)>> DetailsAsync(
        LedgerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var commitments = await FilteredAsync(context, cancellationToken);
        var reports = context.Db.Set<CommitmentPeriod>()
            .Join(commitments, p => p.CommitmentId, c => c.Id, (p, c) => new { c.Id, c.Title, c.Year, c.CreatedUtc, p.Number, p.DueUtc, p.ReportedUtc, p.Quantity, p.Note, p.Late, p.MissedUtc })
            .OrderBy(x => x.Year).ThenBy(x => x.CreatedUtc).ThenBy(x => x.Id).ThenBy(x => x.Number);
        return [("报告", ReportColumns, LedgerRows.Of(reports, x => [
            x.Id.Value.ToString(), x.Title, x.Number, China(x.DueUtc), China(x.ReportedUtc), x.Quantity, x.Note, YesNo(x.Late || x.MissedUtc is not null)]))];
    }

    private static async Task<IQueryable<Commitment>> FilteredAsync(LedgerContext context, CancellationToken cancellationToken)
    {
        var f = context.Filter;
        var commitments = await CommitmentsApi.VisibleAsync(context.Db, context.Scope, cancellationToken);
        if (context.AllianceIds is { } alliances)
        {
            commitments = commitments.Where(c => alliances.Contains(c.AllianceId));
        }

        if (context.Whose.Organisation is { } org)
        {
            commitments = commitments.Where(c => c.UnitId == org);
        }

        // a commitment is for a year: the period takes the years it touches (China dates)
        if (f.From is { } from)
        {
            commitments = commitments.Where(c => c.Year >= from.Year);
        }

        if (f.To is { } to)
        {
            commitments = commitments.Where(c => c.Year <= to.Year);
        }

        if (f.Status is { } status)
        {
            commitments = commitments.Where(c => c.Status == status);
        }

        if (f.Overdue)
        {
            var periods = context.Db.Set<CommitmentPeriod>();
            commitments = commitments.Where(c => periods.Any(p => p.CommitmentId == c.Id && (p.Late || p.MissedUtc != null)));
        }

        return commitments;
    }
}
