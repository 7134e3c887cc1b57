using Alliance.Server.Features.Organisations;
using static Alliance.Server.Features.Ui.UiText;

namespace Alliance.Server.Features.Ui.Pages.Admin;

/// <summary>The words the administration pages show for the region's named choices, Chinese first.</summary>
public static class AdminText
{
    public static string Kind(OrganisationKind kind) => kind switch
    {
        OrganisationKind.District => L("区", "District"),
        OrganisationKind.Street => L("街道", "Street"),
        OrganisationKind.Community => L("社区", "Community"),
        _ => L("共建单位", "Co-building unit"),
    };

    public static string UnitType(UnitType type) => type switch
    {
        Organisations.UnitType.Agency => L("机关", "Agency"),
        Organisations.UnitType.PublicInstitution => L("事业单位", "Public institution"),
        Organisations.UnitType.StateEnterprise => L("国有企业", "State enterprise"),
        Organisations.UnitType.PrivateEnterprise => L("非公企业", "Private enterprise"),
        Organisations.UnitType.SocialOrganisation => L("社会组织", "Social organisation"),
        _ => L("学校", "School"),
    };

    public static string Status(OrganisationStatus status) => status == OrganisationStatus.Active ? L("在册", "Active") : L("已退出", "Withdrawn");

    /// <summary>Service categories as typed in one box: separated by 、，, ; or spaces.</summary>
    public static List<string>? Categories(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : [.. text.Split(['、', '，', ',', '；', ';', ' ', '　'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>The street an organisation belongs to, found among <paramref name="all"/>: a street itself, a community its parent, a unit its community's parent.</summary>
    public static OrganisationId? StreetOf(OrganisationsApi.OrganisationResponse organisation, IReadOnlyDictionary<OrganisationId, OrganisationsApi.OrganisationResponse> all)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        ArgumentNullException.ThrowIfNull(all);
        return organisation.Kind switch
        {
            OrganisationKind.Street => organisation.Id,
            OrganisationKind.Community => organisation.ParentId,
            OrganisationKind.Unit when organisation.ParentId is { } community => all.TryGetValue(community, out var c) ? c.ParentId : null,
            _ => null,
        };
    }

    public static string Level(Alliances.AllianceLevel level) =>
        level == Alliances.AllianceLevel.Street ? L("街道大党工委", "Street alliance") : L("社区区域化党建联盟", "Community alliance");

    public static string Membership(Alliances.MembershipStatus status) => status == Alliances.MembershipStatus.Active ? L("在册", "Active") : L("已退出", "Ended");
}
