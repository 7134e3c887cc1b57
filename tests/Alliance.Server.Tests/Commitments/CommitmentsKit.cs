using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Commitments;

/// <summary>Drafting, submitting and reading commitments through HTTP as the demo users.</summary>
internal static class CommitmentsKit
{
    /// <summary>The review step's candidates: the secretary of 桂花社区 (host of its alliance).</summary>
    public const string Secretary = DemoUsers.CommunitySecretary;

    public static object Commitment(int year, string title = "党群活动中心向社区开放", decimal target = 24, string unit = "次", Guid? unitId = null) => new
    {
        allianceId = DemoRegion.CommunityAlliance(1).Value,
        unitId,
        year,
        title,
        category = "场地",
        description = "税务所党员活动室每月两次向社区居民开放，用于议事和文体活动。",
        targetQuantity = target,
        targetUnit = unit,
        schedule = "每月第一、三周周六上午",
        responsiblePerson = "林晓东",
        responsiblePhone = "13800000001",
    };

    public static int Year(this AllianceAppFactory app) =>
        TimeZoneInfo.ConvertTime(app.Time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).Year;

    public static async Task<JsonObject> DraftAsync(this AllianceAppFactory app, string user, object body)
    {
        using var client = await app.ClientForAsync(user);
        using var response = await client.PostAsJsonAsync("/api/commitments", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static async Task<JsonObject> SubmitCommitmentAsync(this AllianceAppFactory app, string user, Guid id)
    {
        using var response = await app.PostAsync(user, $"/api/commitments/{id}/submit");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Drafts, submits and confirms a commitment; returns (commitment id, item id).</summary>
    public static async Task<(Guid Id, Guid Item)> ConfirmedAsync(this AllianceAppFactory app, string unitUser, object body)
    {
        var id = (await app.DraftAsync(unitUser, body))["id"]!.GetValue<Guid>();
        var item = (await app.SubmitCommitmentAsync(unitUser, id))["itemId"]!.GetValue<Guid>();
        await app.DoAsync(Secretary, item, "review", "confirm");
        return (id, item);
    }

    public static async Task<HttpResponseMessage> GetCommitmentResponseAsync(this AllianceAppFactory app, string user, Guid id)
    {
        using var client = await app.ClientForAsync(user);
        return await client.GetAsync($"/api/commitments/{id}");
    }

    public static async Task<JsonObject> CommitmentAsync(this AllianceAppFactory app, string user, Guid id)
    {
        using var response = await app.GetCommitmentResponseAsync(user, id);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>How many events of a type the item's outbox (its timeline) holds.</summary>
    public static async Task<int> EventCountAsync(this AllianceAppFactory app, Guid item, string type)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        return await db.Set<ItemEventRecord>().CountAsync(e => e.ItemId == ItemId.From(item) && e.Type == type);
    }

    /// <summary>Moves the clock to just after <paramref name="at"/> (UTC), firing what fell due.</summary>
    public static Task AdvanceToAsync(this AllianceAppFactory app, DateTime at) =>
        app.AdvanceAsync(at - app.Time.GetUtcNow().UtcDateTime + TimeSpan.FromMinutes(1));

    /// <summary>00:00 on <paramref name="date"/> in Asia/Shanghai, in UTC.</summary>
    public static DateTime Local(int year, int month, int day) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));

    /// <summary>1 January of <paramref name="year"/>, 00:00 in Asia/Shanghai, in UTC.</summary>
    public static DateTime StartOfYear(int year) => Local(year, 1, 1);
}
