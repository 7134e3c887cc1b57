using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Access;

/// <summary>
/// The directory a scope is built from (organisation tree, alliance hosts, active memberships) is cached per node under
/// the directory stamp. Here a second cache stands for another node: it was filled before a change made through this
/// node's API, and must see the change on its next read; nothing else may make it load again.
/// </summary>
public sealed class The_cached_directory(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task Another_nodes_cache_sees_each_committed_change_and_nothing_else_reloads_it()
    {
        var otherNode = new DirectoryCache();
        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var alliance = DemoRegion.CommunityAlliance(1);

        var before = await ReadAsync(otherNode);
        Assert.Same(before, await ReadAsync(otherNode)); // nothing changed: the cached directory, no load

        using var created = await secretary.PostAsJsonAsync("/api/organisations",
            new { kind = "Unit", name = "桂花社区便民服务站", parentId = DemoRegion.Community(1), unitType = "SocialOrganisation" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var unit = new OrganisationId((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        var withUnit = await ReadAsync(otherNode);
        Assert.NotSame(before, withUnit);
        Assert.Contains(unit, withUnit.Organisations);
        Assert.Contains(unit, withUnit.Children[DemoRegion.Community(1)]);
        Assert.DoesNotContain(unit, withUnit.MembersOf[alliance]);

        using var joined = await secretary.PostAsJsonAsync($"/api/alliances/{alliance}/memberships", new { organisationId = unit, since = "2026-03-01" });
        Assert.Equal(HttpStatusCode.Created, joined.StatusCode);
        var member = await ReadAsync(otherNode);
        Assert.Contains(unit, member.MembersOf[alliance]);
        Assert.Same(member, await ReadAsync(otherNode));

        // A change that is rolled back leaves the stamp, so the cache stands.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                db.Organisations.Add(new Organisation
                {
                    Id = OrganisationId.New(), Kind = OrganisationKind.Unit, Name = "未提交的单位", ParentId = DemoRegion.Community(1),
                    UnitType = UnitType.SocialOrganisation, CreatedAt = app.Time.GetUtcNow(),
                });
                await db.SaveChangesAsync();
                await transaction.RollbackAsync();
            });
        }

        Assert.Same(member, await ReadAsync(otherNode));
    }

    [Fact]
    public async Task A_scope_built_from_the_cache_follows_a_new_membership()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var alliance = DemoRegion.CommunityAlliance(1);
        using var created = await admin.PostAsJsonAsync("/api/organisations",
            new { kind = "Unit", name = "新华物业服务中心", parentId = DemoRegion.Community(2), unitType = "PrivateEnterprise" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var unit = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using (var hidden = await secretary.GetAsync($"/api/organisations/{unit}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode); // a unit of 新华社区: out of 桂花社区's secretary's scope
        }

        using var joined = await admin.PostAsJsonAsync($"/api/alliances/{alliance}/memberships", new { organisationId = unit, since = "2026-03-01" });
        Assert.Equal(HttpStatusCode.Created, joined.StatusCode);
        using var seen = await secretary.GetAsync($"/api/organisations/{unit}");
        Assert.Equal(HttpStatusCode.OK, seen.StatusCode); // now a member of the alliance the secretary's community hosts
    }

    private async Task<ScopeDirectory> ReadAsync(DirectoryCache cache)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await cache.GetAsync(scope.ServiceProvider.GetRequiredService<AllianceDbContext>(), CancellationToken.None);
    }
}
