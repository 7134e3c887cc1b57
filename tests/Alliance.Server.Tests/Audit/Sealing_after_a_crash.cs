using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alliance.Server.Tests.Audit;

/// <summary>A node whose sealer never runs: as if it crashed after each commit, before sealing.</summary>
public sealed class NodeWithoutSealer : AllianceAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
            services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(AuditSealLoop))));
    }
}

/// <summary>Entries committed with their change but not sealed yet: listed, counted, reported when overdue, sealed later.</summary>
public sealed class Sealing_after_a_crash(NodeWithoutSealer app) : IClassFixture<NodeWithoutSealer>
{
    [Fact]
    public async Task Unsealed_entries_are_listed_and_reported_when_overdue_and_a_restarted_sealer_links_them_without_gap()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        for (var i = 0; i < 3; i++)
        {
            using var rename = await admin.PutAsJsonAsync($"/api/alliances/{DemoRegion.CommunityAlliance(1)}", new { name = $"崩溃前的改名 {i}" });
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        }

        // Committed with the change, listed first, marked unsealed, no place in the chain yet.
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/audit?take=3")).GetProperty("entries").EnumerateArray().ToList();
        Assert.All(listed, e =>
        {
            Assert.False(e.GetProperty("sealed").GetBoolean());
            Assert.Equal(JsonValueKind.Null, e.GetProperty("sequence").ValueKind);
            Assert.Equal(JsonValueKind.Null, e.GetProperty("hash").ValueKind);
        });
        Assert.Equal(["崩溃前的改名 2", "崩溃前的改名 1", "崩溃前的改名 0"],
            listed.Select(e => JsonDocument.Parse(e.GetProperty("after").GetString()!).RootElement.GetProperty("name").GetString()));

        var waiting = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(waiting.GetProperty("intact").GetBoolean(), waiting.ToString());
        var unsealed = waiting.GetProperty("unsealed").GetInt64();
        Assert.True(unsealed >= 4, waiting.ToString()); // the demo seed's entry and the three renames
        var head = waiting.GetProperty("headSequence").GetInt64();

        // Past the bound, verification says so.
        app.Time.Advance(AuditSealer.OverdueAfter + TimeSpan.FromSeconds(1));
        var overdue = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.False(overdue.GetProperty("intact").GetBoolean());
        Assert.Equal("unsealed-overdue", overdue.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, overdue.GetProperty("firstBrokenSequence").ValueKind);

        // The node comes back (or another node's sealer polls): everything is linked, in insertion order, once.
        Assert.Equal(unsealed, await app.Services.GetRequiredService<AuditSealer>().SealAsync(CancellationToken.None));
        var healed = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(healed.GetProperty("intact").GetBoolean(), healed.ToString());
        Assert.Equal(0, healed.GetProperty("unsealed").GetInt64());
        Assert.Equal(head + unsealed, healed.GetProperty("headSequence").GetInt64());
        var chain = (await admin.GetFromJsonAsync<JsonElement>("/api/audit?take=3")).GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([head + unsealed, head + unsealed - 1, head + unsealed - 2], chain.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal("崩溃前的改名 2", JsonDocument.Parse(chain[0].GetProperty("after").GetString()!).RootElement.GetProperty("name").GetString());
        Assert.Equal(0, await app.Services.GetRequiredService<AuditSealer>().SealAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_change_rolled_back_leaves_no_entry_and_one_committed_leaves_exactly_one()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var trail = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await trail.SaveAsync(new("test.rolled-back", "test", "rolled-back", null, null, new { }), CancellationToken.None);
            await transaction.RollbackAsync();
        });
        db.ChangeTracker.Clear();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await trail.SaveAsync(new("test.committed", "test", "committed", null, null, new { }), CancellationToken.None);
            await transaction.CommitAsync();
        });

        Assert.Equal(0, await db.AuditEntries.CountAsync(e => e.EntityId == "rolled-back"));
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.EntityId == "committed"));
    }
}
