using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.People;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Access;

/// <summary>
/// Every role × every resource kind × read/write, through HTTP as the demo person who holds that role in
/// 东湖街道 / 桂花社区 / 江滨区税务局东湖税务所. Targets marked "other" lie in 西岭街道 and must not even be seen.
/// Out of scope is 404, visible but not allowed is 403 (docs/adr/0003-out-of-scope-is-404.md). Items and their tasks
/// follow the same rule (a second matrix below).
/// </summary>
public sealed class Scope_matrix(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    public enum Op { Read, Write }

    private const HttpStatusCode Allowed = HttpStatusCode.OK;
    private const HttpStatusCode Hidden = HttpStatusCode.NotFound;
    private const HttpStatusCode Refused = HttpStatusCode.Forbidden;

    private static readonly AllianceRole[] Everyone = [.. AllianceRoles.All];
    private static readonly AllianceRole[] StreetAndCommunity =
        [AllianceRole.DistrictAdmin, AllianceRole.StreetChair, AllianceRole.StreetStaff, AllianceRole.CommunitySecretary, AllianceRole.CommunityStaff];
    private static readonly AllianceRole[] DistrictStreetChairCommunitySecretary =
        [AllianceRole.DistrictAdmin, AllianceRole.StreetChair, AllianceRole.CommunitySecretary];

    /// <summary>The target kinds: who may read, who may write (everyone else: 404 if they cannot read, 403 if they can).</summary>
    private static readonly Dictionary<string, (AllianceRole[] Readers, AllianceRole[] Writers)> Rules = new()
    {
        ["community"] = (StreetAndCommunity, DistrictStreetChairCommunitySecretary),
        ["unit"] = (Everyone, [.. DistrictStreetChairCommunitySecretary, AllianceRole.UnitSecretary]),
        ["member-unit-of-another-community"] = (StreetAndCommunity, [AllianceRole.DistrictAdmin, AllianceRole.StreetChair]),
        ["community-alliance"] = (Everyone, DistrictStreetChairCommunitySecretary),
        ["street-alliance"] = (Everyone, [AllianceRole.DistrictAdmin, AllianceRole.StreetChair]),
        ["membership"] = (Everyone, DistrictStreetChairCommunitySecretary),
        ["rules"] = (Everyone, DistrictStreetChairCommunitySecretary),
        ["agreement"] = (Everyone, DistrictStreetChairCommunitySecretary),
        ["person"] = (Everyone, [.. DistrictStreetChairCommunitySecretary, AllianceRole.UnitSecretary]),
        // 税务所's activity room, shared through 桂花社区's alliance: every member sees it; the owner's people and the
        // owner's administrators manage it (docs/architecture.md, resources)
        ["resource"] = (Everyone, [.. DistrictStreetChairCommunitySecretary, AllianceRole.UnitContact, AllianceRole.UnitSecretary, AllianceRole.PartTimeMember]),
        ["other-community"] = ([AllianceRole.DistrictAdmin], [AllianceRole.DistrictAdmin]),
        ["other-unit"] = ([AllianceRole.DistrictAdmin], [AllianceRole.DistrictAdmin]),
        ["other-community-alliance"] = ([AllianceRole.DistrictAdmin], [AllianceRole.DistrictAdmin]),
        ["other-street-alliance"] = ([AllianceRole.DistrictAdmin], [AllianceRole.DistrictAdmin]),
        ["other-membership"] = ([AllianceRole.DistrictAdmin], [AllianceRole.DistrictAdmin]),
        ["other-rules"] = ([AllianceRole.DistrictAdmin], [AllianceRole.DistrictAdmin]),
        ["other-agreement"] = ([AllianceRole.DistrictAdmin], [AllianceRole.DistrictAdmin]),
        ["other-person"] = ([AllianceRole.DistrictAdmin], [AllianceRole.DistrictAdmin]),
    };

    public static TheoryData<AllianceRole, string, Op, HttpStatusCode> Cases()
    {
        var data = new TheoryData<AllianceRole, string, Op, HttpStatusCode>();
        foreach (var role in AllianceRoles.All)
        {
            foreach (var (target, (readers, writers)) in Rules)
            {
                var canRead = readers.Contains(role);
                data.Add(role, target, Op.Read, canRead ? Allowed : Hidden);
                data.Add(role, target, Op.Write, writers.Contains(role) ? Allowed : canRead ? Refused : Hidden);
            }

            // The audit trail is the district's alone; everyone knows it exists, so others get 403.
            data.Add(role, "audit", Op.Read, role == AllianceRole.DistrictAdmin ? Allowed : Refused);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_role_reads_and_writes_exactly_what_its_scope_allows(AllianceRole role, string target, Op op, HttpStatusCode expected)
    {
        var (readUrl, writeUrl, writeBody) = await TargetAsync(target);
        using var client = await app.ClientForAsync(DemoUsers.ByRole[role]);
        using var response = op == Op.Read
            ? await client.GetAsync(readUrl)
            : await client.PutAsJsonAsync(writeUrl!, writeBody);

        Assert.True(expected == response.StatusCode,
            $"{role} {op} {target}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if (expected != Allowed)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData(AllianceRole.DistrictAdmin, 33, 8, 13, 43)]
    [InlineData(AllianceRole.StreetChair, 16, 4, 7, 22)]
    [InlineData(AllianceRole.StreetStaff, 16, 4, 7, 22)]
    [InlineData(AllianceRole.CommunitySecretary, 6, 2, 2, 9)]
    [InlineData(AllianceRole.CommunityStaff, 6, 2, 2, 9)]
    [InlineData(AllianceRole.UnitContact, 1, 2, 1, 3)]
    [InlineData(AllianceRole.UnitSecretary, 1, 2, 1, 3)]
    [InlineData(AllianceRole.PartTimeMember, 1, 2, 1, 3)]
    public async Task Lists_hold_exactly_what_the_role_can_see(AllianceRole role, int organisations, int alliances, int agreements, int people)
    {
        using var client = await app.ClientForAsync(DemoUsers.ByRole[role]);
        async Task<int> CountAsync(string url) => (await client.GetFromJsonAsync<JsonElement>(url)).GetArrayLength();

        Assert.Equal(
            (organisations, alliances, agreements, people),
            (await CountAsync("/api/organisations"), await CountAsync("/api/alliances"), await CountAsync("/api/agreements"), await CountAsync("/api/people")));
    }

    [Fact]
    public void The_matrix_covers_every_role_and_every_resource_kind_both_ways()
    {
        var cases = Cases().Select(c => ((AllianceRole)c[0], (string)c[1], (Op)c[2])).ToList();
        Assert.Equal(AllianceRoles.All.Count * ((Rules.Count * 2) + 1), cases.Count);
        Assert.All(AllianceRoles.All, role => Assert.Contains(cases, c => c.Item1 == role));
    }

    private static readonly AllianceRole[] Units = [AllianceRole.UnitContact, AllianceRole.UnitSecretary, AllianceRole.PartTimeMember];

    /// <summary>
    /// Items and their tasks: who may read the item (<c>GET /api/items/{id}</c>) and who may act on its open task
    /// (<c>POST /api/tasks/{id}/claim</c>); everyone else gets 404 if they cannot read the item, 403 if they can.
    /// </summary>
    private static readonly Dictionary<string, (AllianceRole[] Readers, AllianceRole[] Actors)> ItemRules = new()
    {
        // a deliberation of 桂花社区 at intake: the community's secretary and staff review it
        ["community-item"] = (StreetAndCommunity, [AllianceRole.CommunitySecretary, AllianceRole.CommunityStaff]),
        // a joint task designated to 税务所 (unit 1): the unit's people claim it, and so see it
        ["joint-task-of-the-unit"] = ([.. StreetAndCommunity, .. Units], Units),
        // a joint task designated to unit 4 of 桂花社区: unit 1 does not see it
        ["joint-task-of-another-unit"] = (StreetAndCommunity, []),
        // an item of 翠屏社区 in 西岭街道
        ["other-community-item"] = ([AllianceRole.DistrictAdmin], []),
    };

    public static TheoryData<AllianceRole, string, Op, HttpStatusCode> ItemCases()
    {
        var data = new TheoryData<AllianceRole, string, Op, HttpStatusCode>();
        foreach (var role in AllianceRoles.All)
        {
            foreach (var (target, (readers, actors)) in ItemRules)
            {
                var canRead = readers.Contains(role);
                data.Add(role, target, Op.Read, canRead ? Allowed : Hidden);
                data.Add(role, target, Op.Write, actors.Contains(role) ? Allowed : canRead ? Refused : Hidden);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ItemCases))]
    public async Task Each_role_reads_items_and_acts_on_their_tasks_exactly_as_its_scope_allows(AllianceRole role, string target, Op op, HttpStatusCode expected)
    {
        var (item, task) = await ItemTargetAsync(target);
        using var client = await app.ClientForAsync(DemoUsers.ByRole[role]);
        using var response = op == Op.Read
            ? await client.GetAsync($"/api/items/{item}")
            : await client.PostAsJsonAsync($"/api/tasks/{task}/claim", new { });
        var inbox = await client.GetFromJsonAsync<JsonElement>("/api/tasks");

        Assert.True(expected == response.StatusCode,
            $"{role} {op} {target}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if (expected != Allowed)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        // the inbox offers the task exactly to those who may act on it
        Assert.Equal(ItemRules[target].Actors.Contains(role), inbox.EnumerateArray().Any(t => t.GetProperty("id").GetGuid() == task));
    }

    [Fact]
    public void The_item_matrix_covers_every_role_and_every_item_kind_both_ways()
    {
        var cases = ItemCases().Select(c => ((AllianceRole)c[0], (string)c[1], (Op)c[2])).ToList();
        Assert.Equal(AllianceRoles.All.Count * ItemRules.Count * 2, cases.Count);
        Assert.All(ItemRules.Keys, target => Assert.Contains(cases, c => c.Item2 == target && c.Item3 == Op.Write));
    }

    /// <summary>A fresh item of the target kind (acting on a task changes it), and its one open task.</summary>
    private async Task<(Guid Item, Guid Task)> ItemTargetAsync(string target)
    {
        var (submitter, alliance, kind, designated) = target switch
        {
            "community-item" => (DemoUsers.CommunitySecretary, DemoRegion.CommunityAlliance(1).Value, "deliberation", (Guid?)null),
            "joint-task-of-the-unit" => (DemoUsers.CommunitySecretary, DemoRegion.CommunityAlliance(1).Value, "jointTask", DemoRegion.Unit(1).Value),
            "joint-task-of-another-unit" => (DemoUsers.CommunitySecretary, DemoRegion.CommunityAlliance(1).Value, "jointTask", DemoRegion.Unit(4).Value),
            "other-community-item" => (DemoUsers.OtherCommunitySecretary, DemoRegion.CommunityAlliance(4).Value, "deliberation", null),
            _ => throw new ArgumentOutOfRangeException(nameof(target)),
        };
        using var client = await app.ClientForAsync(submitter);
        using var created = await client.PostAsJsonAsync("/api/items", new
        {
            kind, title = "矩阵测试事项", description = "权限矩阵测试。", category = "法律", allianceId = alliance, scope = "alliance",
            desiredDate = DateOnly.FromDateTime(app.Time.GetUtcNow().UtcDateTime).AddDays(10), designatedUnitId = designated,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var item = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/items/{item}");
        return (item, detail.GetProperty("currentSteps").EnumerateArray().Single().GetProperty("taskId").GetGuid());
    }

    /// <summary>Where to read a target, and where and what to write (the district admin's current view, written back unchanged).</summary>
    private async Task<(string Read, string? Write, JsonElement Body)> TargetAsync(string target)
    {
        var (read, write) = target switch
        {
            "community" => Organisation(DemoRegion.Community(1).Value),
            "unit" => Organisation(DemoRegion.Unit(1).Value),
            "member-unit-of-another-community" => Organisation(DemoRegion.Unit(6).Value),
            "community-alliance" => Alliance(DemoRegion.CommunityAlliance(1).Value),
            "street-alliance" => Alliance(DemoRegion.StreetAlliance(1).Value),
            "membership" => Membership(DemoRegion.CommunityAlliance(1).Value, DemoRegion.Membership(DemoRegion.CommunityAlliance(1), DemoRegion.Unit(1)).Value),
            "rules" => Rules_(DemoRegion.CommunityAlliance(1).Value),
            "agreement" => Agreement(DemoRegion.Agreement(1, 1).Value),
            "person" => Person(DemoRegion.Person(DemoUsers.UnitContact)),
            "resource" => Resource(DemoRegion.Resource(1).Value),
            "other-community" => Organisation(DemoRegion.Community(4).Value),
            "other-unit" => Organisation(DemoRegion.Unit(13).Value),
            "other-community-alliance" => Alliance(DemoRegion.CommunityAlliance(4).Value),
            "other-street-alliance" => Alliance(DemoRegion.StreetAlliance(2).Value),
            "other-membership" => Membership(DemoRegion.CommunityAlliance(4).Value, DemoRegion.Membership(DemoRegion.CommunityAlliance(4), DemoRegion.Unit(13)).Value),
            "other-rules" => Rules_(DemoRegion.CommunityAlliance(4).Value),
            "other-agreement" => Agreement(DemoRegion.Agreement(4, 13).Value),
            "other-person" => Person(DemoRegion.Person(DemoUsers.OtherUnitContact)),
            "audit" => ("/api/audit/verify", (string?)null),
            _ => throw new ArgumentOutOfRangeException(nameof(target)),
        };
        if (write is null)
        {
            return (read, null, default);
        }

        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var current = await admin.GetFromJsonAsync<JsonElement>(read);
        if (current.ValueKind == JsonValueKind.Array)
        {
            var membershipId = write[(write.LastIndexOf('/') + 1)..];
            current = current.EnumerateArray().Single(m => m.GetProperty("id").GetString() == membershipId);
        }

        return (read, write, current);

        static (string, string?) Organisation(Guid id) => ($"/api/organisations/{id}", $"/api/organisations/{id}");
        static (string, string?) Alliance(Guid id) => ($"/api/alliances/{id}", $"/api/alliances/{id}");
        static (string, string?) Membership(Guid alliance, Guid id) => ($"/api/alliances/{alliance}/memberships", $"/api/alliances/{alliance}/memberships/{id}");
        static (string, string?) Rules_(Guid alliance) => ($"/api/alliances/{alliance}/rules", $"/api/alliances/{alliance}/rules");
        static (string, string?) Agreement(Guid id) => ($"/api/agreements/{id}", $"/api/agreements/{id}");
        static (string, string?) Person(Guid id) => ($"/api/people/{id}", $"/api/people/{id}");
        static (string, string?) Resource(Guid id) => ($"/api/resources/{id}", $"/api/resources/{id}");
    }
}
