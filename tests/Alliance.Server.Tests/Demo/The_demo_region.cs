using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Demo;

public sealed class The_demo_region(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task Has_one_district_two_streets_six_communities_and_units_of_every_type()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var organisations = (await admin.GetFromJsonAsync<JsonElement>("/api/organisations")).EnumerateArray().ToList();
        int Count(string kind) => organisations.Count(o => o.GetProperty("kind").GetString() == kind);

        Assert.Equal((1, 2, 6, 24), (Count("District"), Count("Street"), Count("Community"), Count("Unit")));
        var types = organisations.Where(o => o.GetProperty("kind").GetString() == "Unit").Select(o => o.GetProperty("unitType").GetString()).ToHashSet();
        Assert.Equal(Enum.GetNames<UnitType>().Order(StringComparer.Ordinal), types.Order(StringComparer.Ordinal));
        Assert.All(organisations.Where(o => o.GetProperty("kind").GetString() == "Unit"), u =>
        {
            Assert.NotEmpty(u.GetProperty("serviceCategories").EnumerateArray());
            Assert.StartsWith("江滨区", u.GetProperty("address").GetString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Has_both_alliance_levels_with_members_rules_and_agreements()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var alliances = (await admin.GetFromJsonAsync<JsonElement>("/api/alliances")).EnumerateArray().ToList();
        Assert.Equal(2, alliances.Count(a => a.GetProperty("level").GetString() == "Street"));
        Assert.Equal(6, alliances.Count(a => a.GetProperty("level").GetString() == "Community"));

        var street = await admin.GetFromJsonAsync<JsonElement>($"/api/alliances/{DemoRegion.StreetAlliance(1)}");
        Assert.Equal("东湖街道大党工委", street.GetProperty("name").GetString());
        Assert.Equal("0 9 10 1,4,7,10 *", street.GetProperty("rules").GetProperty("meetingSchedule").GetString());
        var members = street.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(7, members.Count);
        Assert.Contains(members, m => m.GetProperty("partTimeMemberName").GetString() == "高建华");

        var xinhua = await admin.GetFromJsonAsync<JsonElement>($"/api/alliances/{DemoRegion.CommunityAlliance(2)}/memberships");
        Assert.Contains(xinhua.EnumerateArray(), m => m.GetProperty("status").GetString() == "Ended" && m.GetProperty("until").GetString() == "2025-12-31");

        var agreements = (await admin.GetFromJsonAsync<JsonElement>("/api/agreements")).EnumerateArray().ToList();
        Assert.Equal(13, agreements.Count);
        Assert.Single(agreements, a => a.GetProperty("status").GetString() == "Cancelled");
    }

    [Fact]
    public async Task Has_about_forty_people_covering_every_role_one_of_them_with_several()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var people = await db.Users.CountAsync(u => u.IsDemo);
        var grants = await db.RoleGrants.ToListAsync();

        Assert.InRange(people, 38, 45);
        Assert.Equal(DemoRegion.People.Count, people);
        Assert.Equal(AllianceRoles.All.Order(), grants.Select(g => g.Role).Distinct().Order());
        Assert.True(grants.Where(g => g.UserId == DemoRegion.Person(DemoUsers.SeveralRoles)).Count() >= 3);
        Assert.All(DemoUsers.ByRole, pair => Assert.Contains(grants, g => g.Role == pair.Key && g.UserId == DemoRegion.Person(pair.Value)));
    }

    [Fact]
    public async Task Seeding_again_changes_nothing()
    {
        async Task<(int, int, int, int, long)> CountAsync()
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            return (await db.Organisations.CountAsync(), await db.Users.CountAsync(), await db.AllianceMemberships.CountAsync(),
                await db.Agreements.CountAsync(), await db.AuditEntries.LongCountAsync(e => e.Action == "demo.seeded"));
        }

        var before = await CountAsync();
        await app.Services.SeedDemoRegionAsync();
        Assert.Equal(before, await CountAsync());
        Assert.Equal(1, before.Item5);
    }
}

/// <summary>A host with <c>Alliance:DemoData=false</c>, as in the compose stack.</summary>
public sealed class HostWithoutDemoData : AllianceAppFactory
{
    protected override bool DemoData => false;
}

public sealed class Without_demo_data(HostWithoutDemoData app) : IClassFixture<HostWithoutDemoData>
{
    [Fact]
    public async Task There_are_no_demo_users_or_region()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        Assert.Equal(0, await db.Users.CountAsync());
        Assert.Equal(0, await db.Organisations.CountAsync());

        using var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName = DemoUsers.DistrictAdmin, password = DemoUsers.Password });
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
