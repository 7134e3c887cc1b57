using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Items;

/// <summary>实事共办 end to end through HTTP as the demo region's people: 赵丽华 (桂花社区书记) asks, 林晓东 (税务所联络员) does it.</summary>
public sealed class A_joint_task(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;
    private const string Unit = DemoUsers.UnitContact;

    [Fact]
    public async Task Is_published_claimed_done_verified_and_closed_into_the_ledger_with_its_whole_timeline()
    {
        using var client = await app.ClientForAsync(Secretary);
        using var submitted = await client.PostAsJsonAsync("/api/items", app.JointTask());
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var body = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("published", body["status"]!.GetValue<string>());
        var id = body["id"]!.GetValue<Guid>();

        var claim = await app.TaskAsync(Unit, id, "claim");
        Assert.Equal(["accept"], claim["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Equal(app.Time.GetUtcNow().UtcDateTime.AddDays(3), claim["deadlineUtc"]!.GetValue<DateTime>());
        await app.ClaimAsync(Unit, claim["id"]!.GetValue<Guid>());
        await app.CompleteAsync(Unit, claim["id"]!.GetValue<Guid>(), "accept", "我们来办");
        Assert.Equal("in-progress", (await app.ItemAsync(Secretary, id)).Status());

        await app.DoAsync(Unit, id, "work", "progress", fields: new { report = "已联系讲师" });
        await app.DoAsync(Unit, id, "work", "done", fields: new { report = "讲座已举办，60人参加", evidence = "签到表、照片" });
        Assert.Equal("verifying", (await app.ItemAsync(Secretary, id)).Status());
        await app.DoAsync(Secretary, id, "verify", "satisfied", "居民反响很好");

        var item = await app.ItemAsync(Secretary, id);
        Assert.Equal("closed", item.Status());
        Assert.NotNull(item["closedUtc"]);
        Assert.Empty(item["currentSteps"]!.AsArray());
        var events = item.Events();
        Assert.Equal("ItemSubmitted", events[0]);
        Assert.Equal("ItemClosed", events[^1]);
        Assert.Contains("TaskClaimed", events);
        Assert.Equal(4, events.Count(e => e == "TaskCompleted"));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), item["timeline"]!.AsArray().Select(e => e!["sequence"]!.GetValue<long>()));
        Assert.Equal(events.Count, item["sequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task Shows_in_the_inbox_of_the_matching_units_only_and_the_first_claim_wins()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask(category: "场地"));
        var mine = await app.TaskAsync(Unit, id, "claim");
        var other = await app.TaskAsync(DemoUsers.SeveralRoles, id, "claim");
        Assert.Equal(mine["id"]!.GetValue<Guid>(), other["id"]!.GetValue<Guid>());
        Assert.DoesNotContain((await app.InboxAsync("huanglijuan")).OfType<JsonObject>(), t => t["itemId"]!.GetValue<Guid>() == id);

        await app.ClaimAsync(DemoUsers.SeveralRoles, other["id"]!.GetValue<Guid>());
        using var second = await app.PostAsync(Unit, $"/api/tasks/{mine["id"]}/claim");

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("task.already-taken", (await second.ProblemAsync())["code"]!.GetValue<string>());
    }
}
