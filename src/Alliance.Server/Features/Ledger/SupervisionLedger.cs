using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Ui.UiText;

namespace Alliance.Server.Features.Ledger;

/// <summary>
/// 督办台账: every 督办 entry of the streets the caller sees, and those against an organisation the caller acts for,
/// raised in the period; status <c>open</c> or <c>resolved</c>. For an organisation: entries against it.
/// </summary>
public sealed class SupervisionLedger : LedgerSection
{
    public override string Key => "supervision";

    public override BilingualText Name => new("督办", "Supervision");

    public override IReadOnlyList<string> Statuses => ["open", "resolved"];

    public override IReadOnlyList<LedgerColumn> Columns { get; } =
    [
        new("id", "编号", "Id"), new("item", "事项", "Item"), new("kind", "议事规则", "Rule"), new("step", "环节", "Step"),
        new("responsible", "责任单位", "Responsible"), new("street", "督办街道", "Street"), new("deadline", "原定期限", "Deadline"),
        new("created", "督办时间", "Raised"), new("resolved", "解决时间", "Resolved"), new("status", "状态", "Status"),
    ];

    public override Task<LedgerRows> RowsAsync(LedgerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var f = context.Filter;
        var scope = context.Scope;
        var rows = context.Db.Set<SupervisionEntry>().AsNoTracking()
            .Join(context.Db.Set<Item>(), e => e.ItemId, i => i.Id, (e, i) => new { e, i.Title, i.Kind, i.AllianceId })
            .Join(context.Db.Set<ItemTask>(), x => x.e.TaskId, t => t.Id, (x, t) => new
            {
                x.e.Id, x.e.StreetId, x.e.ResponsibleOrganisationId, x.e.DeadlineUtc, x.e.CreatedUtc, x.e.ResolvedUtc, x.Title, x.Kind, x.AllianceId,
                Step = t.TitleZh ?? t.Step,
            });
        if (!scope.IsDistrictAdmin)
        {
            var visible = scope.VisibleOrganisationIds.ToList();
            var acting = scope.ActingOrganisationIds.Select(o => (Organisations.OrganisationId?)o).ToList();
            rows = rows.Where(x => visible.Contains(x.StreetId) || acting.Contains(x.ResponsibleOrganisationId));
        }

        if (context.AllianceIds is { } alliances)
        {
            rows = rows.Where(x => alliances.Contains(x.AllianceId));
        }

        if (context.Whose.Organisation is { } org)
        {
            rows = rows.Where(x => x.ResponsibleOrganisationId == org || x.StreetId == org);
        }

        if (f.FromUtc() is { } from)
        {
            rows = rows.Where(x => x.CreatedUtc >= from);
        }

        if (f.UntilUtc() is { } until)
        {
            rows = rows.Where(x => x.CreatedUtc < until);
        }

        rows = f.Status switch
        {
            "open" => rows.Where(x => x.ResolvedUtc == null),
            "resolved" => rows.Where(x => x.ResolvedUtc != null),
            _ => rows,
        };
        var ordered = rows.OrderBy(x => x.CreatedUtc).ThenBy(x => x.Id);
        return Task.FromResult(LedgerRows.Of(ordered, x => [
            x.Id.ToString(), x.Title, Kind(x.Kind), x.Step, context.Organisation(x.ResponsibleOrganisationId), context.Organisation(x.StreetId), China(x.DeadlineUtc),
            China(x.CreatedUtc), China(x.ResolvedUtc), x.ResolvedUtc is null ? L("督办中", "Open") : L("已解决", "Resolved"),
        ]));
    }
}
