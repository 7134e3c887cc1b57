using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Ui.Pages;

/// <summary>What the item list filters on: rule of procedure, status, overdue, words in the title, mine or all visible.</summary>
public sealed record ItemFilter(ItemKind? Kind, string? Status, bool OverdueOnly, string? Search, bool MineOnly, int Page);

public sealed record ItemRow(ItemId Id, ItemKind Kind, string Title, string Status, bool Overdue, bool Escalated, DateOnly? DesiredDate, DateTime CreatedUtc);

public sealed record ItemRows(int Total, int Page, int PageSize, IReadOnlyList<ItemRow> Rows);

/// <summary>
/// The list of items a person can see. Visibility is the items feature's own rule (<see cref="ItemsApi.VisibleAsync"/>),
/// the one <c>GET /api/items</c> applies, so the page never lists what the API would not.
/// </summary>
public static class ItemList
{
    public const int PageSize = 20;

    public static async Task<ItemRows> ReadAsync(AllianceDbContext db, AccessScope scope, ItemFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(filter);
        var query = await ItemsApi.VisibleAsync(db, scope, cancellationToken);
        if (filter.Kind is { } kind)
        {
            query = query.Where(i => i.Kind == kind);
        }

        if (!string.IsNullOrWhiteSpace(filter.Status))
        {
            query = query.Where(i => i.Status == filter.Status);
        }

        if (filter.OverdueOnly)
        {
            query = query.Where(i => i.Overdue);
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var words = filter.Search.Trim();
            query = query.Where(i => i.Title.Contains(words) || i.Category.Contains(words));
        }

        if (filter.MineOnly)
        {
            var acting = scope.ActingOrganisationIds.ToList();
            query = query.Where(i => i.SubmittedBy == scope.UserId || acting.Contains(i.SubmitterOrganisationId));
        }

        var page = Math.Max(1, filter.Page);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(i => i.CreatedUtc).ThenBy(i => i.Id).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(i => new ItemRow(i.Id, i.Kind, i.Title, i.Status, i.Overdue, i.Escalated, i.DesiredDate, i.CreatedUtc))
            .ToListAsync(cancellationToken);
        return new ItemRows(total, page, PageSize, rows);
    }
}
