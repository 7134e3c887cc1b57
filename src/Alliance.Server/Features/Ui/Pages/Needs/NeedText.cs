using Alliance.Server.Features.Access;
using Alliance.Server.Features.People;

namespace Alliance.Server.Features.Ui.Pages.Needs;

/// <summary>Words and small rules of the 需求 pages.</summary>
public static class NeedText
{
    public static readonly string[] Statuses = ["open", "serving", "served"];

    public static string Status(string status) => status switch
    {
        "open" => UiText.L("待对接", "Open"),
        "serving" => UiText.L("对接中", "Being served"),
        "served" => UiText.L("已完成", "Served"),
        _ => status,
    };

    /// <summary>The communities the person raises needs for (a community secretary or staff), the rule NeedOperations.RaiseAsync applies.</summary>
    public static IReadOnlyList<Organisations.OrganisationId> Communities(AccessScope scope) =>
        [.. scope.Grants.Where(g => g.Role is AllianceRole.CommunitySecretary or AllianceRole.CommunityStaff).Select(g => g.OrganisationId).Distinct()];

    /// <summary>A period in China Standard Time, e.g. 2026-12-10 至 2026-12-31.</summary>
    public static string Period(DateTime fromUtc, DateTime toUtc) => UiText.L($"{UiText.Time(fromUtc)[..10]} 至 {UiText.Time(toUtc)[..10]}", $"{UiText.Time(fromUtc)[..10]} to {UiText.Time(toUtc)[..10]}");
}
