using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Ui.Pages;

public sealed record BoardCard(
    ItemId Id, ItemKind Kind, string Title, string Status, string AllianceName, string? Holder, DateTime? DeadlineUtc, bool Overdue, DateTime CreatedUtc);

/// <summary>
/// The chair's board: the items of the alliances the person can see (open ones, and those closed in the last week),
/// with the holder and deadline of each one's current step. Visibility is <see cref="ItemsApi.Visible"/>.
/// </summary>
public static class BoardView
{
    public static readonly TimeSpan ClosedShownFor = TimeSpan.FromDays(7);

    public static async Task<IReadOnlyList<BoardCard>> ReadAsync(AllianceDbContext db, AccessScope scope, DateTime nowUtc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        var alliances = scope.VisibleAllianceIds.ToList();
        var since = nowUtc - ClosedShownFor;
        var items = await ItemsApi.Visible(db, scope)
            .Where(i => alliances.Contains(i.AllianceId) && (i.ClosedUtc == null || i.ClosedUtc > since))
            .OrderByDescending(i => i.CreatedUtc).Take(500).ToListAsync(cancellationToken);
        var ids = items.Select(i => i.Id).ToList();
        var open = (await db.Set<ItemTask>().AsNoTracking().Where(t => ids.Contains(t.ItemId) && t.ClosedUtc == null).ToListAsync(cancellationToken))
            .GroupBy(t => t.ItemId).ToDictionary(g => g.Key, g => g.OrderBy(t => t.DeadlineUtc ?? DateTime.MaxValue).First());
        var holderIds = open.Values.Where(t => t.HolderOrganisationId is not null).Select(t => t.HolderOrganisationId!.Value).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => holderIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        var allianceIds = items.Select(i => i.AllianceId).Distinct().ToList();
        var allianceNames = await db.Alliances.AsNoTracking().Where(a => allianceIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
        return [.. items.Select(i =>
        {
            var task = open.GetValueOrDefault(i.Id);
            var holder = task?.HolderOrganisationId is { } h ? names.GetValueOrDefault(h) : null;
            var overdue = i.Overdue || (task?.DeadlineUtc is { } d && d <= nowUtc);
            return new BoardCard(i.Id, i.Kind, i.Title, i.Status, allianceNames.GetValueOrDefault(i.AllianceId, ""), holder, task?.DeadlineUtc, overdue, i.CreatedUtc);
        })];
    }

    /// <summary>Urgent items first, then overdue ones, then the newest.</summary>
    public static IEnumerable<BoardCard> Ordered(IEnumerable<BoardCard> cards) =>
        cards.OrderByDescending(c => c.Kind == ItemKind.Urgent).ThenByDescending(c => c.Overdue).ThenByDescending(c => c.CreatedUtc);
}
