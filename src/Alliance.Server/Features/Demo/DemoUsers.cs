using Alliance.Server.Features.People;

namespace Alliance.Server.Features.Demo;

/// <summary>
/// The demo region's people (only present when <c>Alliance:DemoData=true</c>). The named constants are the
/// people tests and demos act as: one per role in 东湖街道 / 桂花社区 / 江滨区税务局东湖税务所, and a few in the
/// other street to show what is out of scope. Everyone shares <see cref="Password"/>.
/// </summary>
public static class DemoUsers
{
    /// <summary>The one demo password (meets the password rules).</summary>
    public const string Password = "Alliance#2026";

    /// <summary>王建国, 区委组织部 (DistrictAdmin).</summary>
    public const string DistrictAdmin = "wangjianguo";

    /// <summary>李红梅, 东湖街道党工委书记 (StreetChair of street 1).</summary>
    public const string StreetChair = "lihongmei";

    /// <summary>张伟, 东湖街道 (StreetStaff of street 1).</summary>
    public const string StreetStaff = "zhangwei";

    /// <summary>赵丽华, 桂花社区书记 (CommunitySecretary of community 1).</summary>
    public const string CommunitySecretary = "zhaolihua";

    /// <summary>孙磊, 桂花社区 (CommunityStaff of community 1).</summary>
    public const string CommunityStaff = "sunlei";

    /// <summary>林晓东, 江滨区税务局东湖税务所联络员 (UnitContact of unit 1).</summary>
    public const string UnitContact = "linxiaodong";

    /// <summary>黄丽娟, 江滨区人民医院联络员 (UnitContact of unit 2, in community 1 beside unit 1).</summary>
    public const string HospitalContact = "huanglijuan";

    /// <summary>马云飞, 江滨区税务局东湖税务所党支部书记 (UnitSecretary of unit 1).</summary>
    public const string UnitSecretary = "mayunfei";

    /// <summary>高建华, 东湖街道大党工委兼职委员 for unit 1 (PartTimeMember of unit 1).</summary>
    public const string PartTimeMember = "gaojianhua";

    /// <summary>陈志强, 西岭街道党工委书记 (StreetChair of street 2).</summary>
    public const string OtherStreetChair = "chenzhiqiang";

    /// <summary>何静, 翠屏社区书记 (CommunitySecretary of community 4, in street 2).</summary>
    public const string OtherCommunitySecretary = "hejing";

    /// <summary>袁鹏, 西岭派出所 (UnitContact, UnitSecretary and PartTimeMember of unit 13, in street 2).</summary>
    public const string OtherUnitContact = "yuanpeng";

    /// <summary>杨帆, 国网江滨供电公司 (UnitContact, UnitSecretary and PartTimeMember of unit 3): one person, several roles.</summary>
    public const string SeveralRoles = "yangfan";

    /// <summary>The person of each role the scope matrix acts as (all in street 1 / community 1 / unit 1).</summary>
    public static IReadOnlyDictionary<AllianceRole, string> ByRole { get; } = new Dictionary<AllianceRole, string>
    {
        [AllianceRole.DistrictAdmin] = DistrictAdmin,
        [AllianceRole.StreetChair] = StreetChair,
        [AllianceRole.StreetStaff] = StreetStaff,
        [AllianceRole.CommunitySecretary] = CommunitySecretary,
        [AllianceRole.CommunityStaff] = CommunityStaff,
        [AllianceRole.UnitContact] = UnitContact,
        [AllianceRole.UnitSecretary] = UnitSecretary,
        [AllianceRole.PartTimeMember] = PartTimeMember,
    };

    /// <summary>Every demo person's user name.</summary>
    public static IReadOnlyList<string> All => [.. DemoRegion.People.Select(p => p.UserName)];
}
