using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Bulletins;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Bulletins;

internal static class BulletinsKit
{
    public static Guid StreetOneAlliance => DemoRegion.StreetAlliance(1).Value;

    /// <summary>Runs the bulletin job as the hourly schedule does, and answers street 1's bulletin of the month (yyyymm).</summary>
    public static async Task<MonthlyBulletin> JobBulletinAsync(this AllianceAppFactory app, int month)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<BulletinJob>().RunAsync(CancellationToken.None);
        }

        return Assert.Single(await app.BulletinsAsync(month), b => b.AllianceId.Value == StreetOneAlliance);
    }

    public static async Task<List<MonthlyBulletin>> BulletinsAsync(this AllianceAppFactory app, int month)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Set<MonthlyBulletin>().AsNoTracking().Where(b => b.Month == month).ToListAsync();
    }

    public static async Task<(HttpStatusCode Status, JsonObject? Body)> SendAsync(this AllianceAppFactory app, string user, HttpMethod method, string path, object? body = null)
    {
        using var client = await app.ClientForAsync(user);
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonNode.Parse(text)!.AsObject() : null);
    }

    public static async Task<byte[]> DownloadAsync(this AllianceAppFactory app, string user, string path)
    {
        using var client = await app.ClientForAsync(user);
        using var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }
}
