using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Alliances;

/// <summary>
/// Categories (服务类别) as a closed vocabulary: each alliance's rules of procedure list them
/// (<see cref="RulesOfProcedure.Categories"/>), and a category outside the list is a field error that names the allowed
/// values. An item, need or commitment is checked against its alliance's list; a resource or a unit's service categories
/// against the lists of the alliances its organisation hosts or belongs to (the default list while it belongs to none).
/// </summary>
public static class CategoryVocabulary
{
    public const int MaxLength = 20;

    private static readonly BilingualText Name = new("类别", "category");

    /// <summary>A category as stored (trimmed, NFC), or null when it is blank, longer than <see cref="MaxLength"/> or holds a control character.</summary>
    public static string? Clean(string? value)
    {
        if (value is null || string.IsNullOrWhiteSpace(value) || Infrastructure.Api.CleanTextConverter.HasControl(value, allowLineBreaks: false))
        {
            return null;
        }

        var stored = FieldErrors.Stored(value);
        return stored.Length <= MaxLength ? stored : null;
    }

    /// <summary>One required category, which must be in <paramref name="allowed"/>.</summary>
    public static FieldErrors Check(FieldErrors errors, string field, string? value, IReadOnlyCollection<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.Text(field, value, Name, 50);
        if (!errors.Has(field) && value is not null && FieldErrors.Stored(value) is var stored && !allowed.Contains(stored, StringComparer.Ordinal))
        {
            NotListed(errors, field, stored, allowed);
        }

        return errors;
    }

    /// <summary>Each of several categories (already trimmed) must be in <paramref name="allowed"/>; the first that is not is named.</summary>
    public static FieldErrors CheckAll(FieldErrors errors, string field, IEnumerable<string> values, IReadOnlyCollection<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!errors.Has(field) && values.FirstOrDefault(v => !allowed.Contains(v, StringComparer.Ordinal)) is { } unknown)
        {
            NotListed(errors, field, unknown, allowed);
        }

        return errors;
    }

    /// <summary>The categories an organisation may use: the union of the lists of the active alliances it hosts or is an active member of.</summary>
    public static async Task<IReadOnlyList<string>> ForOrganisationAsync(AllianceDbContext db, OrganisationId organisation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var memberOf = db.AllianceMemberships.Where(m => m.OrganisationId == organisation && m.Status == MembershipStatus.Active).Select(m => m.AllianceId);
        var alliances = await db.Alliances.AsNoTracking()
            .Where(a => a.Status == AllianceStatus.Active && (a.HostOrganisationId == organisation || memberOf.Contains(a.Id)))
            .ToListAsync(cancellationToken);
        return alliances.Count == 0 ? RulesOfProcedure.DefaultCategories : [.. alliances.SelectMany(a => a.Rules.Categories).Distinct(StringComparer.Ordinal)];
    }

    private static void NotListed(FieldErrors errors, string field, string value, IReadOnlyCollection<string> allowed) =>
        errors.Add(field, $"类别「{value}」不在联盟议事规则的类别表中，可选：{string.Join("、", allowed)}。",
            $"The category \"{value}\" is not in the alliance's category list. Allowed: {string.Join(", ", allowed)}.");
}
