using Alliance.Server.Infrastructure.Problems;
using static Alliance.Server.Features.Ui.UiText;

namespace Alliance.Server.Features.Ui.Pages.Admin;

/// <summary>The audit page's words: the families of actions the trail records, and what a broken link means.</summary>
public static class AuditText
{
    public static readonly IReadOnlyList<(string Family, BilingualText Name)> Families =
    [
        ("organisation", new("组织", "Organisations")),
        ("alliance", new("联盟", "Alliances")),
        ("membership", new("成员单位", "Memberships")),
        ("person", new("人员", "People")),
        ("role", new("角色", "Roles")),
        ("agreement", new("共建协议", "Agreements")),
        ("resource", new("共享资源", "Resources")),
        ("booking", new("预约", "Bookings")),
        ("meeting", new("会议", "Meetings")),
        ("item", new("事项", "Items")),
        ("task", new("任务", "Tasks")),
        ("workflow", new("流程运维", "Workflow operations")),
        ("commitment", new("承诺", "Commitments")),
        ("need", new("需求", "Needs")),
        ("demo", new("演示数据", "Demo data")),
    ];

    /// <summary>An action with its family in words first, e.g. 组织 · organisation.created.</summary>
    public static string Action(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var family = action.Split('.')[0];
        return Families.Where(f => f.Family == family).Select(f => (BilingualText?)f.Name).FirstOrDefault() is { } name ? $"{L(name)} · {action}" : action;
    }

    public static string Break(string? reason) => reason switch
    {
        "hash-mismatch" => L("的内容被改动过", " was altered"),
        "previous-hash-mismatch" => L("之前的记录被改动、删除或插入", ": an entry before it was altered, removed or inserted"),
        "sequence-gap" => L("之前有记录被删除（序号不连续）", ": an entry was removed (a gap in the sequence)"),
        _ => reason ?? "",
    };
}
