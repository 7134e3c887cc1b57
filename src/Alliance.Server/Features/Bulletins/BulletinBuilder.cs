using System.Globalization;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Bulletins;

/// <summary>
/// Writes a bulletin's content for a street alliance and a month: the figures of the street's alliance and of its
/// communities' alliances (<see cref="ReportOperations"/>, the projection kept in each commit), the ranking of every
/// community and member unit (<see cref="BulletinRanking"/>), and the tasks overdue at this moment in the street.
/// </summary>
public sealed class BulletinBuilder(AllianceDbContext db, ReportOperations reports, TimeProvider time)
{
    public static string TitleOf(string alliance, int month) =>
        string.Create(CultureInfo.InvariantCulture, $"{alliance}{month / 100}年{month % 100}月工作通报");

    public async Task<BulletinContent> BuildAsync(PartyAlliance street, int month, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(street);
        var circle = await StreetCircle.OfAsync(db, street, cancellationToken);
        var figures = await reports.FiguresAsync(new ReportScope(circle.AllianceIds, null), month, month, cancellationToken);
        var ranking = BulletinRanking.Rank(figures.Organisations, circle.Members);
        return new(figures, ranking, await OverdueAsync(street.HostOrganisationId, cancellationToken), circle.AllianceNames, circle.AllianceIds);
    }

    /// <summary>Open tasks past their deadline in the street's open items, longest overdue first.</summary>
    private async Task<List<OverdueWork>> OverdueAsync(OrganisationId street, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var rows = await (
            from t in db.Set<ItemTask>().AsNoTracking()
            join i in db.Set<Item>().AsNoTracking() on t.ItemId equals i.Id
            where i.StreetId == street && i.ClosedUtc == null && t.ClosedUtc == null && t.DeadlineUtc != null && t.DeadlineUtc < now
            select new { i.Id, i.Title, i.Kind, i.SubmitterOrganisationId, t.Step, t.TitleZh, t.TitleEn, t.HolderOrganisationId, Deadline = t.DeadlineUtc!.Value, Supervised = t.SupervisedUtc != null || i.Escalated })
            .ToListAsync(cancellationToken);
        var orgIds = rows.Select(r => r.SubmitterOrganisationId).Concat(rows.Where(r => r.HolderOrganisationId != null).Select(r => r.HolderOrganisationId!.Value)).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        return [.. rows.OrderBy(r => r.Deadline).Select(r => new OverdueWork(
            r.Id.Value, r.Title, FigureSources.Kind(r.Kind), names.GetValueOrDefault(r.SubmitterOrganisationId, ""), r.TitleZh ?? r.Step, r.TitleEn ?? r.Step,
            r.HolderOrganisationId is { } h ? names.GetValueOrDefault(h) : null, r.Deadline, (int)Math.Floor((now - r.Deadline).TotalDays), r.Supervised))];
    }
}
