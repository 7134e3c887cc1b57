using System.Globalization;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Reports;

/// <summary>
/// A street alliance (大党工委) and what its monthly bulletin and its year-end assessment cover: its own alliance and its
/// communities' alliances, and the members ranked or scored in them (the street's communities and the active member
/// units of those alliances, organisations still active).
/// </summary>
public sealed record StreetCircle(IReadOnlyList<AllianceId> AllianceIds, IReadOnlyList<string> AllianceNames, IReadOnlyList<(OrganisationId Id, string Name, string Kind)> Members)
{
    public static async Task<StreetCircle> OfAsync(AllianceDbContext db, PartyAlliance street, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(street);
        var streetId = street.HostOrganisationId;
        var communityIds = await db.Organisations.AsNoTracking().Where(o => o.ParentId == streetId && o.Kind == OrganisationKind.Community)
            .Select(o => o.Id).ToListAsync(cancellationToken);
        var alliances = await db.Alliances.AsNoTracking()
            .Where(a => a.Id == street.Id || (a.Level == AllianceLevel.Community && communityIds.Contains(a.HostOrganisationId)))
            .OrderBy(a => a.Level).ThenBy(a => a.Name).Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken);
        var allianceIds = alliances.Select(a => a.Id).ToList();
        var memberIds = await db.AllianceMemberships.AsNoTracking()
            .Where(m => allianceIds.Contains(m.AllianceId) && m.Status == MembershipStatus.Active).Select(m => m.OrganisationId).Distinct().ToListAsync(cancellationToken);
        memberIds.AddRange(communityIds);
        var members = (await db.Organisations.AsNoTracking()
            .Where(o => memberIds.Contains(o.Id) && (o.Kind == OrganisationKind.Community || o.Kind == OrganisationKind.Unit) && o.Status == OrganisationStatus.Active)
            .Select(o => new { o.Id, o.Name, o.Kind }).ToListAsync(cancellationToken))
            .Select(o => (o.Id, o.Name, Kind: CultureInfo.InvariantCulture.TextInfo.ToLower(o.Kind.ToString()))).ToList();
        return new(allianceIds, [.. alliances.Select(a => a.Name)], members);
    }

    /// <summary>The street's chair: 街道党工委书记, the chair role at the street alliance's host. Writes bulletins and assessments.</summary>
    public static bool IsChair(AccessScope scope, PartyAlliance street)
    {
        ArgumentNullException.ThrowIfNull(street);
        return WorkflowRoles.ByOrganisation(scope).GetValueOrDefault(street.HostOrganisationId)?.Contains(WorkflowRoles.Chair) == true;
    }
}
