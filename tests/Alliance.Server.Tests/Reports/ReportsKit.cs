using System.Data;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Reports;

internal static class ReportsKit
{
    /// <summary>GET /api/reports/figures as <paramref name="user"/>; the query is the part after '?'.</summary>
    public static async Task<JsonObject> FiguresAsync(this AllianceAppFactory app, string user, string query)
    {
        using var client = await app.ClientForAsync(user);
        using var response = await client.GetAsync($"/api/reports/figures?{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static long By(this JsonObject figures, string section, string breakdown, string key) =>
        figures[section]![breakdown]!["by"]![key]?.GetValue<long>() ?? 0;

    /// <summary>The figures kept in each commit equal the figures recomputed from every stored row.</summary>
    public static async Task AssertFiguresMatchAsync(this AllianceAppFactory app, string where)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();

        // both read from one snapshot: a commit that lands between the two reads (a route continued from the bus) is in both or neither
        var (kept, recomputed) = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var snapshot = await db.Database.BeginTransactionAsync(db.Database.IsNpgsql() ? IsolationLevel.RepeatableRead : IsolationLevel.Serializable);
            var kept = await FigureRebuild.KeptAsync(db, CancellationToken.None);
            var recomputed = await FigureRebuild.RecomputeAsync(db, CancellationToken.None);
            await snapshot.RollbackAsync();
            return (kept, recomputed);
        });
        var differ = kept.Keys.Union(recomputed.Keys)
            .Where(k => kept.GetValueOrDefault(k) != recomputed.GetValueOrDefault(k))
            .Select(k => $"{k.Metric}[{k.Dimension}] {k.Month} org {k.OrganisationId}: kept {kept.GetValueOrDefault(k)}, recomputed {recomputed.GetValueOrDefault(k)}")
            .ToList();
        Assert.True(differ.Count == 0, $"{where}: {differ.Count} figures differ:\n{string.Join('\n', differ.Take(20))}");
        Assert.NotEmpty(kept);
    }
}
