using System.Text.Json;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Ui.Pages;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Ui.UiText;

namespace Alliance.Server.Features.Ledger;

/// <summary>
/// 事项台账: every item the caller sees (<see cref="ItemsApi.Visible"/>), registered in the period; status <c>open</c>
/// or <c>closed</c>; kind the rule of procedure; overdue: ever overdue. For an organisation: items it submitted, hosts or
/// holds a task of. The export adds the whole history (经过) of each item.
/// </summary>
public sealed class ItemLedger : LedgerSection
{
    public override string Key => "items";

    public override BilingualText Name => new("事项", "Items");

    public override IReadOnlyList<string> Statuses => ["open", "closed"];

    public override IReadOnlyList<string> Kinds => Names<ItemKind>();

    public override IReadOnlyList<LedgerColumn> Columns { get; } =
    [
        new("id", "编号", "Id"), new("title", "标题", "Title"), new("kind", "议事规则", "Rule"), new("category", "类别", "Category"),
        new("alliance", "联盟", "Alliance"), new("submitter", "提交单位", "Submitted by"), new("status", "状态", "Status"),
        new("step", "当前环节", "Current step"), new("created", "登记时间", "Registered"), new("closed", "办结时间", "Closed"),
        new("overdue", "曾逾期", "Was overdue"), new("escalated", "已督办", "Escalated"), new("satisfaction", "满意度", "Satisfaction"),
    ];

    private static readonly IReadOnlyList<LedgerColumn> HistoryColumns =
    [
        new("id", "事项编号", "Item id"), new("title", "事项", "Item"), new("sequence", "序号", "No."), new("at", "时间", "When"),
        new("event", "经过", "Event"), new("actor", "办理人", "By"),
    ];

    public override async Task<LedgerRows> RowsAsync(LedgerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tasks = context.Db.Set<ItemTask>();
        var rows = (await FilteredAsync(context, cancellationToken))
            .OrderBy(i => i.CreatedUtc).ThenBy(i => i.Id)
            .Select(i => new
            {
                i.Id, i.Title, i.Kind, i.Category, i.AllianceId, i.SubmitterOrganisationId, i.Status, i.CreatedUtc, i.ClosedUtc, i.WasOverdue, i.Overdue, i.Escalated,
                Step = tasks.Where(t => t.ItemId == i.Id && t.ClosedUtc == null).OrderBy(t => t.OpenedUtc).Select(t => t.TitleZh ?? t.Step).FirstOrDefault(),
                Rating = tasks.Where(t => t.ItemId == i.Id && t.Step == "verify" && t.ClosedUtc != null).OrderByDescending(t => t.ClosedUtc).Select(t => t.Outcome).FirstOrDefault(),
            });
        return LedgerRows.Of(rows, i => [
            i.Id.Value.ToString(), i.Title, Kind(i.Kind), i.Category, context.Alliance(i.AllianceId), context.Organisation(i.SubmitterOrganisationId), Status(i.Status),
            i.ClosedUtc is null ? i.Step : null, China(i.CreatedUtc), China(i.ClosedUtc), YesNo(i.WasOverdue || i.Overdue), YesNo(i.Escalated), Satisfaction(i.Rating),
        ]);
    }

    public override async Task<IReadOnlyList<(string Sheet, IReadOnlyList<LedgerColumn> Columns, LedgerRows Rows)>> DetailsAsync(
        LedgerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var items = await FilteredAsync(context, cancellationToken);
        // the steps' titles by their ids (a few dozen across the routes), to name the step an event speaks of
        var steps = (await context.Db.Set<ItemTask>().AsNoTracking().Where(t => t.TitleZh != null).Select(t => new { t.Step, t.TitleZh, t.TitleEn }).Distinct()
            .ToListAsync(cancellationToken)).DistinctBy(t => t.Step).ToDictionary(t => t.Step, t => L(t.TitleZh!, t.TitleEn ?? t.TitleZh!));
        var history = context.Db.Set<ItemEventRecord>().AsNoTracking()
            .Join(items, e => e.ItemId, i => i.Id, (e, i) => new { i.Id, i.Title, i.CreatedUtc, e.Sequence, e.AtUtc, e.Type, e.Actor, e.PayloadJson })
            .OrderBy(x => x.CreatedUtc).ThenBy(x => x.Id).ThenBy(x => x.Sequence);
        return [("经过", HistoryColumns, LedgerRows.Of(history, x =>
        {
            using var payload = JsonDocument.Parse(x.PayloadJson);
            return [x.Id.Value.ToString(), x.Title, x.Sequence, China(x.AtUtc), ItemViews.EventText(x.Type, payload.RootElement, steps.GetValueOrDefault), x.Actor];
        }))];
    }

    private static async Task<IQueryable<Item>> FilteredAsync(LedgerContext context, CancellationToken cancellationToken)
    {
        var f = context.Filter;
        var items = ItemsApi.Visible(context.Db, context.Scope);
        if (context.AllianceIds is { } alliances)
        {
            items = items.Where(i => alliances.Contains(i.AllianceId));
        }

        if (context.Whose.Organisation is { } org)
        {
            var tasks = context.Db.Set<ItemTask>();
            items = items.Where(i => i.SubmitterOrganisationId == org || i.HostOrganisationId == org || tasks.Any(t => t.ItemId == i.Id && t.HolderOrganisationId == org));
        }

        if (f.FromUtc() is { } from)
        {
            items = items.Where(i => i.CreatedUtc >= from);
        }

        if (f.UntilUtc() is { } until)
        {
            items = items.Where(i => i.CreatedUtc < until);
        }

        items = f.Status switch
        {
            "open" => items.Where(i => i.ClosedUtc == null),
            "closed" => items.Where(i => i.ClosedUtc != null),
            _ => items,
        };
        if (f.Kind is { } kindName)
        {
            var kind = Parse<ItemKind>(kindName);
            items = items.Where(i => i.Kind == kind);
        }

        return f.Overdue ? items.Where(i => i.WasOverdue || i.Overdue) : items;
    }

    private static string? Satisfaction(string? rating) => rating switch
    {
        "satisfied" => L("满意", "Satisfied"),
        "basicallySatisfied" => L("基本满意", "Basically satisfied"),
        "unsatisfied" => L("不满意", "Unsatisfied"),
        _ => null,
    };
}
