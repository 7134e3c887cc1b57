using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Reports;

/// <summary>
/// Whose figures a report covers. The district sees every alliance; a street (chair or staff) its own alliance and its
/// communities'; a community its own; a unit only its own figures (never an alliance's, never another unit's).
/// <see cref="Alliances"/> null means every alliance; <see cref="Organisation"/> narrows to one organisation's figures.
/// </summary>
public sealed record ReportScope(IReadOnlyList<AllianceId>? Alliances, OrganisationId? Organisation)
{
    private static readonly AllianceRole[] UnitRoles = [AllianceRole.UnitContact, AllianceRole.UnitSecretary, AllianceRole.PartTimeMember];

    /// <summary>
    /// May the caller read the figures of a whole alliance (not only of the organisations it acts for)? The district; and a
    /// street or community role (chair, secretary, staff) that sees the organisation hosting it, which is its own or one below it.
    /// </summary>
    public static bool Oversees(AccessScope scope, PartyAlliance alliance)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(alliance);
        return scope.IsDistrictAdmin
            || (scope.CanSeeAlliance(alliance.Id) && scope.CanSeeOrganisation(alliance.HostOrganisationId) && scope.Grants.Any(g => !UnitRoles.Contains(g.Role)));
    }

    /// <summary>The scope of a report asked for with <paramref name="alliance"/> and/or <paramref name="organisation"/>; 404 for what the caller may not read.</summary>
    public static async Task<ReportScope> ResolveAsync(AccessScope scope, AllianceDbContext db, AllianceId? alliance, OrganisationId? organisation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(db);
        var all = await db.Alliances.AsNoTracking().ToListAsync(cancellationToken);
        var overseen = all.Where(a => Oversees(scope, a)).Select(a => a.Id).ToList();
        if (alliance is { } only && !scope.CanSeeAlliance(only) && !scope.IsDistrictAdmin)
        {
            throw new NotFoundProblem(new BilingualText("联盟", "alliance"));
        }

        if (organisation is { } org)
        {
            var inOverseen = overseen.Count > 0 && (all.Any(a => overseen.Contains(a.Id) && a.HostOrganisationId == org)
                || await db.AllianceMemberships.AsNoTracking().AnyAsync(m => overseen.Contains(m.AllianceId) && m.OrganisationId == org, cancellationToken));
            if (!scope.IsDistrictAdmin && !scope.CanActFor(org) && !scope.CanAdministerOrganisation(org) && !inOverseen)
            {
                throw new NotFoundProblem(new BilingualText("组织", "organisation"));
            }

            return new(alliance is { } a ? [a] : null, org);
        }

        if (alliance is { } one)
        {
            if (!overseen.Contains(one))
            {
                throw new ForbiddenProblem("reports.not-overseer", new("只有联盟所在的街道、社区或区级可以查看整个联盟的数据；共建单位只能查看本单位的数据。",
                    "Only the alliance's street, community or the district may read the whole alliance's figures; a unit reads its own."));
            }

            return new([one], null);
        }

        if (scope.IsDistrictAdmin)
        {
            return new(null, null);
        }

        if (overseen.Count > 0)
        {
            return new(overseen, null);
        }

        // a unit: its own figures, as the first organisation it acts for
        var acting = scope.ActingOrganisationIds.FirstOrDefault();
        return acting == default ? throw new NotFoundProblem(new BilingualText("组织", "organisation")) : new(null, acting);
    }
}
