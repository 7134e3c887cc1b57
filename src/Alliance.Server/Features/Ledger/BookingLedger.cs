using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using Alliance.Server.Features.Ui.Pages.Resources;

namespace Alliance.Server.Features.Ledger;

/// <summary>
/// 资源共享台账: every booking of a shared resource whose details the caller may see (as <see cref="BookingLifecycle"/>:
/// the owner's and the requester's side, and those above them), starting in the period; kind the resource's kind
/// (venue, material, …). For an organisation: bookings of its resources and bookings it made.
/// </summary>
public sealed class BookingLedger : LedgerSection
{
    public override string Key => "bookings";

    public override BilingualText Name => new("资源共享", "Sharing");

    public override IReadOnlyList<string> Statuses => Names<BookingStatus>();

    public override IReadOnlyList<string> Kinds => Names<ResourceKind>();

    public override IReadOnlyList<LedgerColumn> Columns { get; } =
    [
        new("id", "编号", "Id"), new("resource", "资源", "Resource"), new("kind", "资源类型", "Kind"), new("owner", "提供单位", "Owner"),
        new("requester", "使用单位", "Used by"), new("start", "开始", "Start"), new("end", "结束", "End"), new("hours", "时长（小时）", "Hours"),
        new("headCount", "人数", "People"), new("purpose", "用途", "Purpose"), new("status", "状态", "Status"), new("decided", "审批时间", "Decided"),
        new("used", "使用确认", "Used"), new("rating", "评价", "Rating"),
    ];

    public override Task<LedgerRows> RowsAsync(LedgerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var f = context.Filter;
        var scope = context.Scope;
        var rows = context.Db.Set<Booking>().AsNoTracking()
            .Join(context.Db.Set<Resource>(), b => b.ResourceId, r => r.Id, (b, r) => new
            {
                b.Id, b.StartUtc, b.EndUtc, b.HeadCount, b.Purpose, b.Status, b.DecidedUtc, b.UsedUtc, b.RequesterRating, b.RequesterId, b.CreatedUtc,
                Resource = r.Name, r.Kind, r.OwnerId, r.AllianceId,
            });
        if (!scope.IsDistrictAdmin)
        {
            var mine = scope.VisibleOrganisationIds.Union(scope.ActingOrganisationIds).ToList();
            rows = rows.Where(x => mine.Contains(x.OwnerId) || mine.Contains(x.RequesterId));
        }

        if (context.AllianceIds is { } alliances)
        {
            rows = rows.Where(x => alliances.Contains(x.AllianceId));
        }

        if (context.Whose.Organisation is { } org)
        {
            rows = rows.Where(x => x.OwnerId == org || x.RequesterId == org);
        }

        if (f.FromUtc() is { } from)
        {
            rows = rows.Where(x => x.StartUtc >= from);
        }

        if (f.UntilUtc() is { } until)
        {
            rows = rows.Where(x => x.StartUtc < until);
        }

        if (f.Status is { } statusName)
        {
            var status = Parse<BookingStatus>(statusName);
            rows = rows.Where(x => x.Status == status);
        }

        if (f.Kind is { } kindName)
        {
            var kind = Parse<ResourceKind>(kindName);
            rows = rows.Where(x => x.Kind == kind);
        }

        var ordered = rows.OrderBy(x => x.StartUtc).ThenBy(x => x.Id);
        return Task.FromResult(LedgerRows.Of(ordered, x => [
            x.Id.Value.ToString(), x.Resource, ResourceText.Kind(x.Kind), context.Organisation(x.OwnerId), context.Organisation(x.RequesterId), China(x.StartUtc), China(x.EndUtc),
            Math.Round((x.EndUtc - x.StartUtc).TotalHours, 2), x.HeadCount, x.Purpose, ResourceText.Status(x.Status), China(x.DecidedUtc), China(x.UsedUtc), x.RequesterRating,
        ]));
    }
}
