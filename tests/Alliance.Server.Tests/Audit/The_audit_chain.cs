using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Audit;

public sealed class The_audit_chain(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task An_admin_change_appends_one_entry_saying_who_for_whom_what_and_the_correlation()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var before = await LatestAsync(admin);

        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var unit = await secretary.GetFromJsonAsync<JsonElement>($"/api/organisations/{DemoRegion.Unit(2)}");
        using var change = await secretary.PutAsJsonAsync($"/api/organisations/{DemoRegion.Unit(2)}", new
        {
            name = unit.GetProperty("name").GetString(),
            unitType = unit.GetProperty("unitType").GetString(),
            serviceCategories = new[] { "医疗", "养老", "文体" },
            address = unit.GetProperty("address").GetString(),
        });
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);

        var entry = await LatestAsync(admin);
        Assert.Equal(before.GetProperty("sequence").GetInt64() + 1, entry.GetProperty("sequence").GetInt64());
        Assert.Equal(before.GetProperty("hash").GetString(), entry.GetProperty("previousHash").GetString());
        Assert.Equal(DemoUsers.CommunitySecretary, entry.GetProperty("actorName").GetString());
        Assert.Equal(DemoRegion.Person(DemoUsers.CommunitySecretary), entry.GetProperty("actorId").GetGuid());
        Assert.Equal(DemoRegion.Community(1).Value, entry.GetProperty("onBehalfOfOrganisationId").GetGuid());
        Assert.Equal("organisation.updated", entry.GetProperty("action").GetString());
        Assert.Equal(DemoRegion.Unit(2).ToString(), entry.GetProperty("entityId").GetString());
        Assert.DoesNotContain("文体", entry.GetProperty("before").GetString(), StringComparison.Ordinal);
        Assert.Contains("文体", entry.GetProperty("after").GetString(), StringComparison.Ordinal);
        Assert.Equal(32, entry.GetProperty("correlationId").GetString()!.Length);
        Assert.Equal(app.Time.GetUtcNow(), entry.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_chain_of_the_demo_region_and_later_changes_verifies()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var report = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(report.GetProperty("intact").GetBoolean(), report.ToString());
        Assert.True(report.GetProperty("entries").GetInt64() >= 1);
    }

    [Fact]
    public async Task A_row_altered_directly_in_the_database_is_reported_as_the_first_broken_link()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        await MakeChangesAsync(admin, 3);
        const long victim = 2;
        string? original;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            original = await db.AuditEntries.Where(e => e.Sequence == victim).Select(e => e.After).SingleAsync();
            await db.AuditEntries.Where(e => e.Sequence == victim).ExecuteUpdateAsync(s => s.SetProperty(e => e.After, "{\"name\":\"篡改\"}"));
        }

        try
        {
            var report = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
            Assert.False(report.GetProperty("intact").GetBoolean());
            Assert.Equal(victim, report.GetProperty("firstBrokenSequence").GetInt64());
            Assert.Equal("hash-mismatch", report.GetProperty("reason").GetString());
        }
        finally
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            await db.AuditEntries.Where(e => e.Sequence == victim).ExecuteUpdateAsync(s => s.SetProperty(e => e.After, original));
        }

        var healed = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(healed.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task A_row_deleted_directly_in_the_database_is_reported()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        await MakeChangesAsync(admin, 3);
        AuditEntry removed;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            removed = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Sequence == 2);
            await db.AuditEntries.Where(e => e.Sequence == 2).ExecuteDeleteAsync();
        }

        try
        {
            var report = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
            Assert.False(report.GetProperty("intact").GetBoolean());
            Assert.Equal(3, report.GetProperty("firstBrokenSequence").GetInt64());
            Assert.Equal("sequence-gap", report.GetProperty("reason").GetString());
        }
        finally
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            db.AuditEntries.Add(removed);
            await db.SaveChangesAsync();
        }
    }

    [Fact]
    public async Task Concurrent_changes_append_one_after_the_other_and_never_fork()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var before = (await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify")).GetProperty("headSequence").GetInt64();

        await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            using var client = await app.ClientForAsync(i % 2 == 0 ? DemoUsers.DistrictAdmin : DemoUsers.StreetChair);
            using var response = await client.PutAsJsonAsync($"/api/alliances/{DemoRegion.CommunityAlliance(2)}", new { name = $"新华社区区域化党建联盟（{i}）" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }));

        var report = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(report.GetProperty("intact").GetBoolean(), report.ToString());
        Assert.Equal(before + 12, report.GetProperty("headSequence").GetInt64());
    }

    private static async Task<JsonElement> LatestAsync(HttpClient admin) =>
        (await admin.GetFromJsonAsync<JsonElement>("/api/audit?take=1")).EnumerateArray().Single();

    private static async Task MakeChangesAsync(HttpClient admin, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await admin.PutAsJsonAsync($"/api/alliances/{DemoRegion.CommunityAlliance(3)}", new { name = $"滨江社区区域化党建联盟 {i}" });
            response.EnsureSuccessStatusCode();
        }
    }
}
