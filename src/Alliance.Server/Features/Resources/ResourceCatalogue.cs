using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Resources.ResourcesApi;

namespace Alliance.Server.Features.Resources;

/// <summary>What the catalogue filters by; every part optional. Kind and status are spelled as the API spells them.</summary>
public sealed record ResourceFilter(
    string? Text = null, string? Kind = null, string? Category = null, OrganisationId? Street = null, AllianceId? Alliance = null, OrganisationId? Owner = null,
    DateTimeOffset? AvailableFrom = null, DateTimeOffset? AvailableTo = null, string? Status = null, int? Page = null);

/// <summary>
/// The catalogue of shared venues and resources (资源清单) a caller can see: search it, read one, and the categories
/// in use. <c>GET /api/resources</c> and the web UI's 共享资源 pages both come here; out of scope is 404.
/// </summary>
public static class ResourceCatalogue
{
    /// <summary>The resources in the caller's scope that match, by name, a page at a time (400 on a bad kind, status or slot).</summary>
    public static async Task<ResourcePage> SearchAsync(AccessScope scope, AllianceDbContext db, ResourceFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var errors = new FieldErrors();
        var kindValue = ParseKind(errors, "kind", filter.Kind, required: false);
        var statusValue = ResourceStatus.Active;
        if (filter.Status is { } status && !TryParse(status, out statusValue))
        {
            errors.Add("status", "状态须为 active 或 withdrawn。", "The status must be active or withdrawn.");
        }

        if ((filter.AvailableFrom is null) != (filter.AvailableTo is null))
        {
            errors.Add(filter.AvailableFrom is null ? "availableFrom" : "availableTo", "空闲时段须同时给出开始和结束。", "Give both ends of the free slot.");
        }
        else if (filter.AvailableFrom is { } f && filter.AvailableTo is { } t && t <= f)
        {
            errors.Add("availableTo", "空闲时段须结束晚于开始。", "The free slot must end after it starts.");
        }

        errors.ThrowIfAny();
        var query = Visible(db, scope).Where(r => r.Status == statusValue);
        if (kindValue is { } k)
        {
            query = query.Where(r => r.Kind == k);
        }

        if (filter.Street is { } s)
        {
            query = query.Where(r => r.StreetId == s);
        }

        if (filter.Alliance is { } a)
        {
            query = query.Where(r => r.AllianceId == a);
        }

        if (filter.Owner is { } o)
        {
            query = query.Where(r => r.OwnerId == o);
        }

        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = filter.Text.Trim();
            query = query.Where(r => r.Name.Contains(text) || r.Description.Contains(text) || r.Address.Contains(text));
        }

        var found = await query.ToListAsync(cancellationToken);
        if (!string.IsNullOrWhiteSpace(filter.Category))
        {
            found = [.. found.Where(r => r.Categories.Contains(filter.Category.Trim(), StringComparer.Ordinal))];
        }

        if (filter.AvailableFrom is { } from && filter.AvailableTo is { } to)
        {
            var free = await ResourceAvailability.FreeAsync(db, found, from, to, cancellationToken);
            found = [.. found.Where(r => free.Contains(r.Id))];
        }

        var number = Math.Max(1, filter.Page ?? 1);
        var slice = found.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Id.Value).Skip((number - 1) * PageSize).Take(PageSize).ToList();
        var names = await OwnerNamesAsync(db, slice.Select(r => r.OwnerId), cancellationToken);
        return new ResourcePage(number, PageSize, found.Count, [.. slice.Select(r => ResourceResponse.From(r, names[r.OwnerId]))]);
    }

    /// <summary>One resource the caller can see, with its opening hours and exceptions; 404 otherwise.</summary>
    public static async Task<ResourceResponse> GetAsync(AccessScope scope, AllianceDbContext db, ResourceId id, CancellationToken cancellationToken) =>
        await ResponseAsync(db, await FindVisibleAsync(db, scope, id, cancellationToken), cancellationToken);

    /// <summary>The service categories of the active resources the caller can see, for a filter.</summary>
    public static async Task<IReadOnlyList<string>> CategoriesAsync(AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        var lists = await Visible(db, scope).Where(r => r.Status == ResourceStatus.Active).Select(r => r.Categories).ToListAsync(cancellationToken);
        return [.. lists.SelectMany(c => c).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    internal static async Task<Dictionary<OrganisationId, string>> OwnerNamesAsync(AllianceDbContext db, IEnumerable<OrganisationId> owners, CancellationToken cancellationToken)
    {
        var ids = owners.Distinct().ToList();
        return await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
    }
}
