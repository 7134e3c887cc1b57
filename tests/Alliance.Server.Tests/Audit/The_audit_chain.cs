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
        await app.SealAuditTrailAsync();
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

        await app.SealAuditTrailAsync();
        var entry = await LatestAsync(admin);
        Assert.True(entry.GetProperty("sealed").GetBoolean());
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
        await app.SealAuditTrailAsync();
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
        await app.SealAuditTrailAsync();
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
    public async Task Concurrent_changes_with_concurrent_sealers_give_one_chain_without_fork_or_gap()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        await app.SealAuditTrailAsync();
        var before = (await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify")).GetProperty("headSequence").GetInt64();
        var names = Enumerable.Range(0, 24).Select(i => $"新华社区区域化党建联盟（并发 {i}）").ToList();

        // Besides this host's own sealer (woken by each commit), three more seal at the same time, each on its own
        // connection, as the sealers of three more nodes would: they must take turns on the chain.
        using var writing = new CancellationTokenSource();
        var sealers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var sealer = app.Services.GetRequiredService<AuditSealer>();
            var sealedCount = 0;
            while (!writing.IsCancellationRequested)
            {
                sealedCount += await sealer.SealAsync(CancellationToken.None);
            }

            return sealedCount;
        })).ToList();
        await Task.WhenAll(names.Select(async (name, i) =>
        {
            using var client = await app.ClientForAsync(i % 2 == 0 ? DemoUsers.DistrictAdmin : DemoUsers.StreetChair);
            using var response = await client.PutAsJsonAsync($"/api/alliances/{DemoRegion.CommunityAlliance(2)}", new { name });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }));
        await writing.CancelAsync();
        await Task.WhenAll(sealers);
        await app.SealAuditTrailAsync();

        var report = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(report.GetProperty("intact").GetBoolean(), report.ToString());
        Assert.Equal(0, report.GetProperty("unsealed").GetInt64());
        Assert.Equal(before + names.Count, report.GetProperty("headSequence").GetInt64());
        var renames = (await admin.GetFromJsonAsync<JsonElement>($"/api/audit?entityId={DemoRegion.CommunityAlliance(2)}&take=500")).GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("sequence").GetInt64() > before).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), renames.Select(e => JsonDocument.Parse(e.GetProperty("after").GetString()!).RootElement
            .GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_database_refuses_a_fork_two_entries_after_the_same_predecessor()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        await MakeChangesAsync(admin, 2);
        await app.SealAuditTrailAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var head = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence != null).OrderByDescending(e => e.Sequence).FirstAsync();
        var fork = new AuditEntry
        {
            At = head.At, ActorName = "mallory", Action = "alliance.renamed", EntityType = "alliance", EntityId = head.EntityId, After = "{}", CorrelationId = "fork",
        };
        fork.Seal(head.Sequence!.Value, head.PreviousHash!);
        db.AuditEntries.Add(fork);
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task A_row_inserted_into_the_middle_of_the_chain_is_reported()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        await MakeChangesAsync(admin, 3);
        await app.SealAuditTrailAsync();
        const long at = 2;
        const long shift = 1_000_000;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var victim = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Sequence == at);

        // Make room at sequence 2 (every later row moves up by one) and put a forged row there that links correctly
        // back to entry 1 — the rows moved up no longer match their hashes, and the old entry 2 no longer follows it.
        await db.AuditEntries.Where(e => e.Sequence >= at).ExecuteUpdateAsync(s => s.SetProperty(e => e.Sequence, e => e.Sequence + shift));
        await db.AuditEntries.Where(e => e.Sequence >= at + shift).ExecuteUpdateAsync(s => s.SetProperty(e => e.Sequence, e => e.Sequence - shift + 1));
        var forged = new AuditEntry
        {
            At = victim.At, ActorName = "mallory", Action = "alliance.renamed", EntityType = "alliance", EntityId = victim.EntityId, After = "{\"name\":\"伪造\"}", CorrelationId = "forged",
        };
        await db.AuditEntries.Where(e => e.Id == victim.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.PreviousHash, "moved"));
        forged.Seal(at, victim.PreviousHash!);
        db.AuditEntries.Add(forged);
        await db.SaveChangesAsync();
        try
        {
            var report = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
            Assert.False(report.GetProperty("intact").GetBoolean());
            Assert.Equal(at + 1, report.GetProperty("firstBrokenSequence").GetInt64());
            Assert.Equal("previous-hash-mismatch", report.GetProperty("reason").GetString());
        }
        finally
        {
            await db.AuditEntries.Where(e => e.Id == forged.Id).ExecuteDeleteAsync();
            await db.AuditEntries.Where(e => e.Id == victim.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.PreviousHash, victim.PreviousHash));
            await db.AuditEntries.Where(e => e.Sequence > at).ExecuteUpdateAsync(s => s.SetProperty(e => e.Sequence, e => e.Sequence + shift));
            await db.AuditEntries.Where(e => e.Sequence > at + shift).ExecuteUpdateAsync(s => s.SetProperty(e => e.Sequence, e => e.Sequence - shift - 1));
        }

        var healed = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(healed.GetProperty("intact").GetBoolean(), healed.ToString());
    }

    [Fact]
    public async Task The_sealer_is_woken_when_an_entry_commits_not_before()
    {
        var wakeUp = app.Services.GetRequiredService<AuditSealWakeUp>();

        // A change saved on its own wakes the sealer as soon as its SaveChanges has committed.
        var generation = wakeUp.Current;
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        await MakeChangesAsync(admin, 1);
        await generation.WaitAsync(TimeSpan.FromSeconds(30));

        // Inside a caller's transaction: not when the entry is saved, only when that transaction commits.
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var trail = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await trail.SaveAsync(new("test.woken", "test", "woken", null, null, new { }), CancellationToken.None);
            generation = wakeUp.Current;
            Assert.False(generation.IsCompleted);
            await transaction.CommitAsync();
        });
        await generation.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task<JsonElement> LatestAsync(HttpClient admin) =>
        (await admin.GetFromJsonAsync<JsonElement>("/api/audit?take=1")).GetProperty("entries").EnumerateArray().Single();

    private static async Task MakeChangesAsync(HttpClient admin, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await admin.PutAsJsonAsync($"/api/alliances/{DemoRegion.CommunityAlliance(3)}", new { name = $"滨江社区区域化党建联盟 {i}" });
            response.EnsureSuccessStatusCode();
        }
    }
}
