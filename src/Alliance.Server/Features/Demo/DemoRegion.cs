using System.Security.Cryptography;
using System.Text;
using Alliance.Server.Features.Agreements;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Commitments;
using Alliance.Server.Features.Lists;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Features.Resources;

namespace Alliance.Server.Features.Demo;

/// <summary>
/// The demo region, as data: 江滨区 with 2 streets, 6 communities, 24 co-building units, 8 alliances, their
/// memberships, rules of procedure and agreements, and 43 people. Every id is derived from a fixed key, so the
/// region is the same on every machine and tests can address it directly (docs/demo-region.md).
/// </summary>
public static class DemoRegion
{
    public sealed record StreetData(int No, string Name);

    public sealed record CommunityData(int No, int Street, string Name, string Road);

    public sealed record UnitData(int No, int Community, string Name, UnitType Type, string[] Categories, string Address);

    public sealed record PersonData(string UserName, string DisplayName, (AllianceRole Role, OrganisationId Organisation)[] Roles);

    public sealed record MembershipData(AllianceId Alliance, OrganisationId Organisation, string? PartTimeMember, DateOnly Since, DateOnly? Until);

    public sealed record AgreementData(AgreementId Id, int Community, int Unit, string Scope, string CommunityOffers, string UnitOffers, string? CancelReason);

    /// <summary>A shared resource of the demo region: owned by unit <see cref="Unit"/> or, when that is null, by community <see cref="Community"/>.</summary>
    public sealed record ResourceData(
        int No, int? Unit, int? Community, ResourceKind Kind, VenueType? VenueType, string Name, string Description, string[] Categories, int Capacity,
        bool Exclusive, bool RequiresApproval, int SlotMinutes, OpeningPeriod[] Hours, SpecialDate[] Exceptions, string[] Groups);

    public const string DistrictName = "江滨区";

    public static OrganisationId District { get; } = new(IdOf("org/district"));

    public static OrganisationId Street(int no) => new(IdOf($"org/street/{no}"));

    public static OrganisationId Community(int no) => new(IdOf($"org/community/{no}"));

    public static OrganisationId Unit(int no) => new(IdOf($"org/unit/{no}"));

    public static AllianceId StreetAlliance(int street) => new(IdOf($"alliance/street/{street}"));

    public static AllianceId CommunityAlliance(int community) => new(IdOf($"alliance/community/{community}"));

    public static MembershipId Membership(AllianceId alliance, OrganisationId organisation) => new(IdOf($"membership/{alliance}/{organisation}"));

    public static AgreementId Agreement(int community, int unit) => new(IdOf($"agreement/{community}/{unit}"));

    public static Guid Person(string userName) => IdOf($"person/{userName}");

    public static ResourceId Resource(int no) => new(IdOf($"resource/{no}"));

    public static IReadOnlyList<StreetData> Streets { get; } = [new(1, "东湖街道"), new(2, "西岭街道")];

    public static IReadOnlyList<CommunityData> Communities { get; } =
    [
        new(1, 1, "桂花社区", "桂花路"), new(2, 1, "新华社区", "新华路"), new(3, 1, "滨江社区", "滨江路"),
        new(4, 2, "翠屏社区", "翠屏路"), new(5, 2, "长青社区", "长青路"), new(6, 2, "和平里社区", "和平里"),
    ];

    public static IReadOnlyList<UnitData> Units { get; } =
    [
        new(1, 1, "江滨区税务局东湖税务所", UnitType.Agency, ["法律", "场地"], "桂花路18号"),
        new(2, 1, "江滨区人民医院", UnitType.PublicInstitution, ["医疗", "养老"], "桂花路66号"),
        new(3, 1, "国网江滨供电公司", UnitType.StateEnterprise, ["安全", "场地"], "东湖大道200号"),
        new(4, 1, "东湖实验小学", UnitType.School, ["教育", "文体", "场地"], "桂花路9号"),
        new(5, 2, "江滨区市场监督管理局东湖市场监管所", UnitType.Agency, ["安全", "法律"], "新华路21号"),
        new(6, 2, "新华社区卫生服务中心", UnitType.PublicInstitution, ["医疗", "养老"], "新华路35号"),
        new(7, 2, "华信科技有限公司", UnitType.PrivateEnterprise, ["教育", "场地"], "新华路88号华信大厦"),
        new(8, 2, "夕阳红志愿者协会", UnitType.SocialOrganisation, ["养老", "文体"], "新华路12号"),
        new(9, 3, "中国工商银行江滨支行", UnitType.StateEnterprise, ["法律", "场地"], "滨江路1号"),
        new(10, 3, "滨江律师事务所", UnitType.PrivateEnterprise, ["法律"], "滨江路46号"),
        new(11, 3, "江滨区图书馆", UnitType.PublicInstitution, ["教育", "文体", "场地"], "滨江路100号"),
        new(12, 3, "江滨区第二中学", UnitType.School, ["教育", "文体"], "滨江路77号"),
        new(13, 4, "江滨区公安分局西岭派出所", UnitType.Agency, ["安全", "法律"], "翠屏路5号"),
        new(14, 4, "江滨区第三人民医院", UnitType.PublicInstitution, ["医疗"], "翠屏路120号"),
        new(15, 4, "中建八局西岭项目部", UnitType.StateEnterprise, ["安全", "环境"], "西岭大道300号"),
        new(16, 4, "翠屏幼儿园", UnitType.School, ["教育"], "翠屏路28号"),
        new(17, 5, "江滨区人力资源和社会保障局", UnitType.Agency, ["法律", "教育"], "长青路2号"),
        new(18, 5, "长青养老服务中心", UnitType.SocialOrganisation, ["养老", "医疗"], "长青路56号"),
        new(19, 5, "绿源环保科技有限公司", UnitType.PrivateEnterprise, ["环境"], "长青路90号"),
        new(20, 5, "江滨职业技术学校", UnitType.School, ["教育", "场地"], "长青路150号"),
        new(21, 6, "江滨区文化馆", UnitType.PublicInstitution, ["文体", "场地"], "和平里8号"),
        new(22, 6, "中国移动江滨分公司", UnitType.StateEnterprise, ["安全", "场地"], "和平里33号"),
        new(23, 6, "和平物业服务有限公司", UnitType.PrivateEnterprise, ["环境", "安全"], "和平里61号"),
        new(24, 6, "阳光社会工作服务中心", UnitType.SocialOrganisation, ["养老", "法律"], "和平里19号"),
    ];

    /// <summary>Units that sit on their street's 大党工委; each has a part-time member.</summary>
    public static IReadOnlyList<int> StreetAllianceUnits(int street) => street == 1 ? [1, 2, 3, 9] : [13, 14, 15, 22];

    private static readonly (string User, string Name)[] UnitContacts =
    [
        ("linxiaodong", "林晓东"), ("huanglijuan", "黄丽娟"), ("yangfan", "杨帆"), ("zhuting", "朱婷"),
        ("hujun", "胡军"), ("guoqian", "郭倩"), ("luobin", "罗斌"), ("liangyulan", "梁玉兰"),
        ("songjia", "宋佳"), ("tangwenbo", "唐文博"), ("xieyuxin", "谢雨欣"), ("dongjianjun", "董建军"),
        ("yuanpeng", "袁鹏"), ("jiangfang", "蒋芳"), ("shenhao", "沈浩"), ("panyue", "潘悦"),
        ("duhaitao", "杜海涛"), ("yechunyan", "叶春燕"), ("chengliang", "程亮"), ("weihong", "魏红"),
        ("lvsiyuan", "吕思远"), ("dinglei", "丁磊"), ("renguizhi", "任桂芝"), ("yaojiaqi", "姚佳琪"),
    ];

    public static IReadOnlyList<PersonData> People { get; } = BuildPeople();

    /// <summary>Who represents a unit on its alliances (兼职委员), if anyone.</summary>
    public static string? PartTimeMemberOf(int unit) => unit == 1
        ? DemoUsers.PartTimeMember
        : StreetAllianceUnits(1).Concat(StreetAllianceUnits(2)).Contains(unit) ? UnitContacts[unit - 1].User : null;

    public static IReadOnlyList<MembershipData> Memberships { get; } = BuildMemberships();

    public static IReadOnlyList<AgreementData> Agreements { get; } = BuildAgreements();

    /// <summary>Shared venues and resources (资源清单), each shared through its owner's community alliance (docs/demo-region.md).</summary>
    public static IReadOnlyList<ResourceData> Resources { get; } =
    [
        new(1, 1, null, ResourceKind.Venue, VenueType.ActivityRoom, "东湖税务所党员活动室",
            "税务所二楼党员活动室，配投影和音响，可开展主题党日、政策宣讲和居民议事。", ["场地", "法律"], 30, true, true, 30,
            Days(9, 17, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday),
            [new(new DateOnly(2026, 12, 31), true, null, "年终结账，暂停开放")], ["党员", "居民"]),
        new(2, null, 1, ResourceKind.Venue, VenueType.SharedPartyHome, "桂花社区党建共享之家",
            "社区党群服务中心一楼，开放式布局，可容纳四十人，适合组织生活、志愿服务和老年活动。", ["场地", "文体", "养老"], 40, true, true, 30,
            [.. Days(9, 21, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday), .. Days(9, 12, DayOfWeek.Saturday)],
            [new(new DateOnly(2026, 12, 24), false, [new(new TimeOnly(9, 0), new TimeOnly(12, 0))], "社区年终总结，下午不开放")], ["党员", "居民", "老年人"]),
        new(3, 3, null, ResourceKind.Venue, VenueType.OpenOrganisationalLifeBase, "国网江滨供电公司开放式组织生活基地",
            "企业党建展厅与电力安全体验区，可承接参观学习和安全用电宣讲。", ["场地", "安全"], 60, true, true, 60,
            Days(14, 17, DayOfWeek.Tuesday, DayOfWeek.Thursday), [], ["党员", "青少年"]),
        new(4, 4, null, ResourceKind.Venue, VenueType.Hall, "东湖实验小学礼堂",
            "三百座礼堂，周末向社区开放，可举办文艺汇演、讲座和表彰大会。", ["场地", "文体", "教育"], 300, true, true, 60,
            Days(9, 17, DayOfWeek.Saturday, DayOfWeek.Sunday), [], ["青少年", "居民"]),
        new(5, 2, null, ResourceKind.HealthService, null, "江滨区人民医院社区义诊",
            "每周六上午派出医生团队到社区开展义诊、慢病随访和健康讲座。", ["医疗", "养老"], 100, false, true, 240,
            Days(8, 12, DayOfWeek.Saturday), [], ["老年人", "慢病患者"]),
        new(6, 11, null, ResourceKind.Venue, VenueType.ActivityRoom, "江滨区图书馆多功能活动室",
            "图书馆三楼活动室，五十座，预约即确认，适合读书会、亲子阅读和讲座。", ["场地", "教育", "文体"], 50, true, false, 30,
            Days(9, 20, Enum.GetValues<DayOfWeek>()), [], ["青少年", "居民"]),
        new(7, 10, null, ResourceKind.Expertise, null, "滨江律师事务所律师坐班咨询",
            "每周三下午律师到社区坐班，提供婚姻家庭、劳动争议和物业纠纷咨询。", ["法律"], 20, false, true, 60,
            Days(14, 17, DayOfWeek.Wednesday), [], ["居民"]),
        new(8, 21, null, ResourceKind.Equipment, null, "江滨区文化馆移动音响与投影设备",
            "一套移动音响和一台投影仪，按天借用，借出期间他人不能预约。", ["文体"], 1, true, true, 1440,
            Days(0, 0, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday), [], ["居民"]),
        new(9, 18, null, ResourceKind.Material, null, "长青养老服务中心应急物资",
            "口罩、消毒液、轮椅等应急和助老物资，可按需申领。", ["养老", "医疗"], 500, false, true, 60,
            Days(9, 17, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday), [], ["老年人"]),
        new(10, 9, null, ResourceKind.Fund, null, "工商银行江滨支行党建共建微项目资金",
            "每年资助社区公益微项目，单个项目不超过两万元，须说明用途和受益人数。", ["养老", "教育", "环境"], 500, false, true, 1440,
            Days(0, 0, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday), [], ["居民"]),
    ];

    public sealed record NeedData(int No, int Community, string Title, string Category, string Description, int HeadCount, DayOfWeek Day, int FromHour, int ToHour);

    public sealed record CommitmentData(int No, int Unit, int Community, string Title, string Category, decimal Target, string TargetUnit, string Schedule, string Responsible);

    public static NeedId Need(int no) => new(IdOf($"need/{no}"));

    public static CommitmentId Commitment(int no) => new(IdOf($"commitment/{no}"));

    /// <summary>Needs (需求清单) raised by communities, each wanted on the next such weekday at least five days after seeding (docs/demo-region.md).</summary>
    public static IReadOnlyList<NeedData> Needs { get; } =
    [
        new(1, 1, "老年居民健康义诊", "医疗", "桂花社区约六十位老年居民希望接受血压血糖检测和慢病咨询。", 60, DayOfWeek.Saturday, 9, 11),
        new(2, 1, "青少年暑期安全教育", "安全", "社区青少年希望参观学习用电和消防安全知识。", 30, DayOfWeek.Thursday, 14, 16),
        new(3, 3, "居民法律咨询日", "法律", "滨江社区居民在物业纠纷和劳动争议方面需要律师现场咨询。", 20, DayOfWeek.Wednesday, 14, 17),
    ];

    /// <summary>Draft commitments (共建承诺) of units for the year of seeding, waiting for their units to submit them.</summary>
    public static IReadOnlyList<CommitmentData> Commitments { get; } =
    [
        new(1, 1, 1, "党员活动室向社区开放", "场地", 24, "次", "每月第一、三周周六上午", "林晓东"),
        new(2, 2, 1, "专家义诊进社区", "医疗", 4, "场", "每季度一场，周六上午", "黄丽娟"),
        new(3, 3, 1, "安全用电宣传", "安全", 8, "场", "每季度两场", "杨帆"),
    ];

    public static string StreetAllianceName(int street) => $"{Streets[street - 1].Name}大党工委";

    public static string CommunityAllianceName(int community) => $"{Communities[community - 1].Name}区域化党建联盟";

    /// <summary>Street alliances meet quarterly, community alliances monthly; the rest are the common defaults.</summary>
    public static RulesOfProcedure RulesFor(AllianceLevel level) => level == AllianceLevel.Street
        ? new RulesOfProcedure
        {
            OpinionWindow = TimeSpan.FromDays(10),
            ClaimWindow = TimeSpan.FromDays(5),
            UrgentResponseWindow = TimeSpan.FromHours(4),
            UrgentFirstResponseLimit = TimeSpan.FromHours(1),
            MeetingSchedule = "0 9 10 1,4,7,10 *",
            MeetingNoticeDays = 7,
            EscalationGrace = TimeSpan.FromDays(2),
        }
        : new RulesOfProcedure();

    public static string AddressOf(int street, string rest) => $"{DistrictName}{Streets[street - 1].Name}{rest}";

    private static List<PersonData> BuildPeople()
    {
        List<PersonData> people =
        [
            new(DemoUsers.DistrictAdmin, "王建国", [(AllianceRole.DistrictAdmin, District)]),
            new(DemoUsers.StreetChair, "李红梅", [(AllianceRole.StreetChair, Street(1))]),
            new(DemoUsers.StreetStaff, "张伟", [(AllianceRole.StreetStaff, Street(1))]),
            new(DemoUsers.OtherStreetChair, "陈志强", [(AllianceRole.StreetChair, Street(2))]),
            new("liuyang", "刘洋", [(AllianceRole.StreetStaff, Street(2))]),
        ];
        (string User, string Name)[] secretaries = [("zhaolihua", "赵丽华"), ("zhoumin", "周敏"), ("zhengxiuying", "郑秀英"), ("hejing", "何静"), ("hanxue", "韩雪"), ("pengli", "彭丽")];
        (string User, string Name)[] staff = [("sunlei", "孙磊"), ("wuhao", "吴昊"), ("fenggang", "冯刚"), ("xutao", "许涛"), ("caoming", "曹明"), ("dengchao", "邓超")];
        for (var c = 1; c <= 6; c++)
        {
            people.Add(new(secretaries[c - 1].User, secretaries[c - 1].Name, [(AllianceRole.CommunitySecretary, Community(c))]));
            people.Add(new(staff[c - 1].User, staff[c - 1].Name, [(AllianceRole.CommunityStaff, Community(c))]));
        }

        for (var u = 1; u <= 24; u++)
        {
            var (user, name) = UnitContacts[u - 1];
            var roles = PartTimeMemberOf(u) == user
                ? new[] { (AllianceRole.UnitContact, Unit(u)), (AllianceRole.UnitSecretary, Unit(u)), (AllianceRole.PartTimeMember, Unit(u)) }
                : [(AllianceRole.UnitContact, Unit(u))];
            people.Add(new(user, name, roles));
        }

        people.Add(new(DemoUsers.UnitSecretary, "马云飞", [(AllianceRole.UnitSecretary, Unit(1))]));
        people.Add(new(DemoUsers.PartTimeMember, "高建华", [(AllianceRole.PartTimeMember, Unit(1))]));
        return people;
    }

    private static List<MembershipData> BuildMemberships()
    {
        var since = new DateOnly(2024, 1, 1);
        var list = new List<MembershipData>();
        foreach (var street in Streets)
        {
            var alliance = StreetAlliance(street.No);
            foreach (var community in Communities.Where(c => c.Street == street.No))
            {
                list.Add(new(alliance, Community(community.No), null, since, null));
            }

            foreach (var unit in StreetAllianceUnits(street.No))
            {
                list.Add(new(alliance, Unit(unit), PartTimeMemberOf(unit), since, null));
            }
        }

        foreach (var community in Communities)
        {
            var alliance = CommunityAlliance(community.No);
            foreach (var unit in Units.Where(u => u.Community == community.No))
            {
                // 华信科技 left 新华社区's alliance at the end of 2025: the membership stays, ended.
                var until = unit.No == 7 ? new DateOnly(2025, 12, 31) : (DateOnly?)null;
                list.Add(new(alliance, Unit(unit.No), PartTimeMemberOf(unit.No), new DateOnly(2024, 3, 1), until));
            }
        }

        // A unit can belong to several alliances: 新华社区卫生服务中心 also serves 桂花社区.
        list.Add(new(CommunityAlliance(1), Unit(6), null, new DateOnly(2025, 1, 1), null));
        return list;
    }

    private static List<AgreementData> BuildAgreements()
    {
        var list = new List<AgreementData>();
        foreach (var community in Communities)
        {
            // 滨江律师事务所 (unit 10) has only the cancelled agreement below.
            foreach (var unit in Units.Where(u => u.Community == community.No && u.No != 10).Take(2))
            {
                list.Add(new(Agreement(community.No, unit.No), community.No, unit.No,
                    $"围绕{string.Join("、", unit.Categories)}为{community.Name}居民提供共建服务",
                    "提供活动场地与居民需求清单，协助组织居民参与",
                    $"每季度开展不少于一次{unit.Categories[0]}主题服务活动",
                    null));
            }
        }

        list.Add(new(Agreement(3, 10), 3, 10, "为滨江社区居民提供法律咨询", "提供咨询场地", "每月一次律师坐班", "律所搬迁出辖区，协议提前终止"));
        return list;
    }

    private static OpeningPeriod[] Days(int from, int to, params DayOfWeek[] days) =>
        [.. days.Select(d => new OpeningPeriod(d, new TimeOnly(from, 0), new TimeOnly(to % 24, 0)))];

    /// <summary>A stable id from a key, so that the demo region has the same ids everywhere.</summary>
    public static Guid IdOf(string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("alliance-demo/" + key));
        return new Guid(hash.AsSpan(0, 16));
    }
}
