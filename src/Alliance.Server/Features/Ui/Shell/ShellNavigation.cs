using Alliance.Server.Features.Access;
using Alliance.Server.Features.People;
using Microsoft.AspNetCore.Components;

namespace Alliance.Server.Features.Ui.Shell;

public sealed record NavigationLink(string Href, string Text);

/// <summary>
/// Which pages a person's roles open, and where each person lands after signing in: a unit contact on the task inbox
/// (待办), a community secretary on their items (我的事项), a street chair, street staff or the district on the board.
/// Units and community staff, who book shared venues and resources, also get 共享资源 and 我的预约, and 我们的资源 for
/// the owner's side: deciding requests on what their organisation shares, and 平急转换. Everyone who can see an
/// alliance gets 会议 (joint meetings), communities, units and streets 需求 (the needs list), and everyone 统计 (the
/// figures of their scope). Whoever administers an organisation gets one 管理 link to the administration pages they
/// may use (<see cref="AdminLinks"/>).
/// </summary>
public static class ShellNavigation
{
    /// <summary>我们的资源: the owner's desk (待审批预约, 平急转换).</summary>
    public const string OursPath = "/resources/ours";

    /// <summary>管理: the index of the administration pages.</summary>
    public const string AdminPath = "/admin";

    public static IReadOnlyList<NavigationLink> For(AccessScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var links = new List<NavigationLink>();
        if (IsSecretary(scope) || IsStreet(scope))
        {
            links.Add(new("/items", UiText.L("我的事项", "My items")));
            links.Add(new("/items/new", UiText.L("提交事项", "Submit")));
        }

        links.Add(new("/tasks", UiText.L("待办", "Tasks")));
        if (!IsUnitOnly(scope))
        {
            links.Add(new("/board", UiText.L("看板", "Board")));
        }

        if (IsUnitOnly(scope))
        {
            links.Add(new("/items", UiText.L("事项", "Items")));
        }

        if (scope.VisibleAllianceIds.Any())
        {
            // 联席会议: everyone who can see an alliance reads its meetings; members reply, check in and vote; chairs run them.
            links.Add(new("/meetings", UiText.L("会议", "Meetings")));
        }

        links.Add(new("/commitments", UiText.L("承诺", "Commitments")));
        if (IsSecretary(scope) || IsUnitOnly(scope) || IsStreet(scope))
        {
            // 需求清单: communities raise needs, units see what they could serve, the street follows them.
            links.Add(new("/needs", UiText.L("需求", "Needs")));
        }

        if (IsSecretary(scope) || IsUnitOnly(scope))
        {
            // Units and communities share and book venues and resources (资源共享).
            links.Add(new("/resources", UiText.L("共享资源", "Resources")));
            links.Add(new("/bookings", UiText.L("我的预约", "Bookings")));
            links.Add(new(OursPath, UiText.L("我们的资源", "Our resources")));
        }

        if (IsStreet(scope))
        {
            links.Add(new("/supervision", UiText.L("督办", "Supervision")));
        }

        if (AdminLinks(scope).Count > 0)
        {
            // 组织通知渠道 and 通知规则 are reached from 通知设置 (the bell → 通知 → 通知设置) and from 管理.
            // 管理: one link to the administration pages the person may use (AdminLinks), so the phone's nav stays short.
            links.Add(new(AdminPath, UiText.L("管理", "Admin")));
        }

        // 统计: the figures of the caller's scope (a unit its own, a community its alliance, a street its alliances, the district all).
        links.Add(new("/reports", UiText.L("统计", "Figures")));

        if (IsStreet(scope))
        {
            // 逐月通报: the street reviews and publishes them (members open published ones from their notice or from 统计).
            links.Add(new("/reports/bulletins", UiText.L("通报", "Bulletins")));
        }

        // 考核: the year-end assessment; the street and the district read every score, a community or unit its own (and objects there).
        links.Add(new("/reports/assessments", UiText.L("考核", "Assessment")));

        // 台账: the ledger of the same scope, section by section, with its .xlsx exports.
        links.Add(new("/ledger", UiText.L("台账", "Ledger")));
        return links;
    }

    /// <summary>
    /// The administration pages (管理) the person may use: 人员, 组织 and 联盟 for whoever administers an organisation
    /// (each change is allowed for the organisations they administer), and their 通知渠道 and 通知规则; 审计, 流程运维 and 投递失败 for the district
    /// administrator.
    /// </summary>
    public static IReadOnlyList<NavigationLink> AdminLinks(AccessScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var links = new List<NavigationLink>();
        if (scope.VisibleOrganisationIds.Any(scope.CanAdministerOrganisation))
        {
            links.Add(new("/admin/people", UiText.L("人员与角色", "People and roles")));
            links.Add(new("/admin/organisations", UiText.L("组织", "Organisations")));
            links.Add(new("/admin/alliances", UiText.L("联盟", "Alliances")));

            // 组织通知渠道 and 通知规则 (also linked from 通知设置).
            links.Add(new("/notifications/channels", UiText.L("通知渠道", "Notification channels")));
            links.Add(new("/notifications/rules", UiText.L("通知规则", "Notification rules")));
        }

        if (scope.IsDistrictAdmin)
        {
            // 审计: the audit trail and the check of its hash chain.
            links.Add(new("/admin/audit", UiText.L("审计", "Audit trail")));

            // 流程运维: definitions with their routes, instances (retry, cancel) and the workflow dead letters.
            links.Add(new("/admin/workflows", UiText.L("流程运维", "Workflow operations")));

            // 投递失败: deliveries to WeCom, DingTalk, e-mail or SMS that kept failing, to replay.
            links.Add(new("/admin/dead-letters", UiText.L("投递失败", "Failed deliveries")));
        }

        return links;
    }

    public static string LandingFor(this NavigationManager _, AccessScope scope) => Landing(scope);

    public static string Landing(AccessScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!scope.IsAuthenticated)
        {
            return "/";
        }

        if (IsStreet(scope))
        {
            return "/board";
        }

        return IsSecretary(scope) ? "/items" : "/tasks";
    }

    private static bool IsSecretary(AccessScope scope) => scope.HasRole(AllianceRole.CommunitySecretary) || scope.HasRole(AllianceRole.CommunityStaff);

    private static bool IsStreet(AccessScope scope) =>
        scope.IsDistrictAdmin || scope.HasRole(AllianceRole.StreetChair) || scope.HasRole(AllianceRole.StreetStaff);

    private static bool IsUnitOnly(AccessScope scope) => !IsSecretary(scope) && !IsStreet(scope);
}
