using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Problems;

namespace Alliance.Server.Features.Access;

/// <summary>One role a caller holds, for one organisation.</summary>
public sealed record ScopeGrant(AllianceRole Role, OrganisationId OrganisationId);

/// <summary>
/// Who the caller is and what of the region they can see and act on, resolved once per request (or hub
/// call) by <see cref="AccessScopeResolver"/>. Every feature asks this, never the claims directly.
/// <para>
/// The rule every endpoint follows (docs/adr/0003-out-of-scope-is-404.md): a thing the caller cannot see
/// answers 404, exactly as if it did not exist; an action the caller may not take on a thing they can see
/// answers 403. Ids inside a request body that point at something unseen are a 400 on that field, worded the
/// same as for a thing that does not exist.
/// </para>
/// </summary>
public sealed class AccessScope
{
    private readonly HashSet<OrganisationId> _visible;
    private readonly HashSet<OrganisationId> _acting;
    private readonly Dictionary<OrganisationId, OrganisationId> _administeredVia;
    private readonly HashSet<AllianceId> _alliances;

    internal AccessScope(
        Guid? userId,
        string? userName,
        IReadOnlyList<ScopeGrant> grants,
        HashSet<OrganisationId> visible,
        Dictionary<OrganisationId, OrganisationId> administeredVia,
        HashSet<AllianceId> alliances)
    {
        UserId = userId;
        UserName = userName;
        Grants = grants;
        _visible = visible;
        _administeredVia = administeredVia;
        _alliances = alliances;
        _acting = [.. grants.Select(g => g.OrganisationId)];
        IsDistrictAdmin = grants.Any(g => g.Role == AllianceRole.DistrictAdmin);
    }

    /// <summary>No user: sees nothing, acts for nothing. Also the scope of the system itself (seed, jobs).</summary>
    public static AccessScope Anonymous { get; } = new(null, null, [], [], [], []);

    public Guid? UserId { get; }

    public string? UserName { get; }

    public bool IsAuthenticated => UserId is not null;

    /// <summary>The caller's active role grants.</summary>
    public IReadOnlyList<ScopeGrant> Grants { get; }

    /// <summary>A district administrator sees and administers everything.</summary>
    public bool IsDistrictAdmin { get; }

    /// <summary>
    /// Organisations whose records and items the caller can see: the district everything; a street itself, its
    /// communities and the units located in them; a community itself, its units and its alliance's member
    /// units; a unit itself. Parents are not included: a unit does not see its community's items.
    /// </summary>
    public IReadOnlySet<OrganisationId> VisibleOrganisationIds => _visible;

    /// <summary>Organisations the caller holds a role for (acts on behalf of).</summary>
    public IReadOnlySet<OrganisationId> ActingOrganisationIds => _acting;

    /// <summary>Organisations the caller may administer (edit, add people, alliances, agreements for).</summary>
    public IReadOnlyCollection<OrganisationId> AdministeredOrganisationIds => _administeredVia.Keys;

    /// <summary>Alliances the caller can see: those hosted by a visible organisation, and those one of their organisations is a member of.</summary>
    public IReadOnlySet<AllianceId> VisibleAllianceIds => _alliances;

    public bool CanSeeOrganisation(OrganisationId id) => _visible.Contains(id);

    public bool CanActFor(OrganisationId id) => _acting.Contains(id);

    public bool CanAdministerOrganisation(OrganisationId id) => _administeredVia.ContainsKey(id);

    public bool CanSeeAlliance(AllianceId id) => _alliances.Contains(id);

    public bool HasRole(AllianceRole role) => Grants.Any(g => g.Role == role);

    public bool HasRole(AllianceRole role, OrganisationId organisationId) =>
        Grants.Any(g => g.Role == role && g.OrganisationId == organisationId);

    /// <summary>The organisation whose grant lets the caller administer <paramref name="id"/> (for the audit trail's "on behalf of").</summary>
    public OrganisationId? AdministeringOrganisationFor(OrganisationId id) =>
        _administeredVia.TryGetValue(id, out var via) ? via : null;

    /// <summary>Throws 403 unless the caller may administer <paramref name="id"/> (call after the visibility check).</summary>
    public void DemandAdminister(OrganisationId id)
    {
        if (!CanAdministerOrganisation(id))
        {
            throw new ForbiddenProblem("scope.not-administrator", new(
                "您可以查看该组织，但无权管理它。",
                "You can see this organisation but may not administer it."));
        }
    }

    /// <summary>Throws 403 unless the caller is a district administrator.</summary>
    public void DemandDistrictAdmin()
    {
        if (!IsDistrictAdmin)
        {
            throw new ForbiddenProblem("scope.district-admin-only", new("仅区级管理员可执行此操作。", "Only a district administrator may do this."));
        }
    }
}
