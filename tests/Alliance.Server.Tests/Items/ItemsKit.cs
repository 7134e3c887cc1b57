using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Items;

/// <summary>Helpers for driving items through HTTP as the demo users, and time through the fake clock.</summary>
internal static class ItemsKit
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Moves the fake clock, fires every past-due workflow timer and runs the supervision sweep (what the recurring job does every minute).</summary>
    public static async Task AdvanceAsync(this AllianceAppFactory app, TimeSpan by)
    {
        app.Time.Advance(by);
        await app.Services.GetRequiredService<WorkflowRuntime>().RearmTimersAsync();
        await app.Services.GetRequiredService<ItemSupervision>().SweepAsync(CancellationToken.None);
    }

    /// <summary>
    /// Moves the fake clock and fires every past-due workflow timer, without the supervision sweep: what the routes' own
    /// timers do must reach the items in the runtime's commits.
    /// </summary>
    public static async Task FireTimersAsync(this AllianceAppFactory app, TimeSpan by)
    {
        app.Time.Advance(by);
        await app.Services.GetRequiredService<WorkflowRuntime>().RearmTimersAsync();
    }

    public static DateOnly Today(this AllianceAppFactory app) => DateOnly.FromDateTime(app.Time.GetUtcNow().UtcDateTime);

    public static async Task<Guid> SubmitAsync(this AllianceAppFactory app, string user, object body)
    {
        using var client = await app.ClientForAsync(user);
        using var response = await client.PostAsJsonAsync("/api/items", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    public static object JointTask(this AllianceAppFactory app, string category = "法律", Guid? designated = null, int days = 10) => new
    {
        kind = "jointTask",
        title = "为老年居民开展反诈普法讲座",
        description = "在桂花社区活动室为老年居民举办一次反电信诈骗普法讲座。",
        category,
        allianceId = DemoRegion.CommunityAlliance(1).Value,
        scope = "alliance",
        desiredDate = app.Today().AddDays(days),
        designatedUnitId = designated,
    };

    /// <summary>The members of 桂花社区区域化党建联盟 (units 1-4, and unit 6 of 新华社区) as the person who answers for each.</summary>
    public static readonly string[] CommunityMembers = [DemoUsers.UnitContact, "huanglijuan", DemoUsers.SeveralRoles, "zhuting", "guoqian"];

    public static object Item(this AllianceAppFactory app, string kind, string category = "养老", int? days = 10, string title = "老旧小区加装电梯议题") => new
    {
        kind,
        title,
        description = "桂花社区3栋居民申请加装电梯，需联盟成员单位共同研究。",
        category,
        allianceId = DemoRegion.CommunityAlliance(1).Value,
        scope = "alliance",
        desiredDate = days is { } d ? app.Today().AddDays(d) : (DateOnly?)null,
    };

    public static async Task<JsonArray> InboxAsync(this AllianceAppFactory app, string user)
    {
        using var client = await app.ClientForAsync(user);
        return (await client.GetFromJsonAsync<JsonArray>("/api/tasks"))!;
    }

    /// <summary>The caller's one open task of the item at the step.</summary>
    public static async Task<JsonObject> TaskAsync(this AllianceAppFactory app, string user, Guid item, string step)
    {
        var inbox = await app.InboxAsync(user);
        var matches = inbox.OfType<JsonObject>().Where(t => t["itemId"]!.GetValue<Guid>() == item && t["step"]!.GetValue<string>() == step).ToList();
        Assert.True(matches.Count == 1, $"{user} should have one '{step}' task of {item}; inbox: {inbox.ToJsonString()}");
        return matches[0];
    }

    public static async Task<HttpResponseMessage> PostAsync(this AllianceAppFactory app, string user, string path, object? body = null)
    {
        using var client = await app.ClientForAsync(user);
        return await client.PostAsJsonAsync(path, body ?? new { });
    }

    public static async Task ClaimAsync(this AllianceAppFactory app, string user, Guid task)
    {
        using var response = await app.PostAsync(user, $"/api/tasks/{task}/claim");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public static async Task CompleteAsync(this AllianceAppFactory app, string user, Guid task, string outcome, string? comment = null, object? fields = null)
    {
        using var response = await app.PostAsync(user, $"/api/tasks/{task}/complete", new { outcome, comment, fields });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Completes the user's one task at the step of the item.</summary>
    public static async Task DoAsync(this AllianceAppFactory app, string user, Guid item, string step, string outcome, string? comment = null, object? fields = null)
    {
        var task = await app.TaskAsync(user, item, step);
        await app.CompleteAsync(user, task["id"]!.GetValue<Guid>(), outcome, comment, fields);
    }

    /// <summary>A joint task designated to unit 1, claimed and done by its contact and verified 满意 by the secretary: closed.</summary>
    public static async Task<Guid> CloseJointTaskAsync(this AllianceAppFactory app)
    {
        var id = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.JointTask(designated: DemoRegion.Unit(1).Value));
        await app.DoAsync(DemoUsers.UnitContact, id, "claim", "accept");
        await app.DoAsync(DemoUsers.UnitContact, id, "work", "done", fields: new { report = "完成", evidence = "照片" });
        await app.DoAsync(DemoUsers.CommunitySecretary, id, "verify", "satisfied");
        return id;
    }

    public static async Task<JsonObject> ItemAsync(this AllianceAppFactory app, string user, Guid item)
    {
        using var client = await app.ClientForAsync(user);
        using var response = await client.GetAsync($"/api/items/{item}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static string Status(this JsonObject item) => item["status"]!.GetValue<string>();

    public static IReadOnlyList<string> Events(this JsonObject item) =>
        [.. item["timeline"]!.AsArray().Select(e => e!["type"]!.GetValue<string>())];

    public static async Task<JsonObject> ProblemAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;
}
