using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Items;

/// <summary>急事共商 through HTTP: broadcast, responses within hours, escalation without any, the chair's hour-level task.</summary>
public sealed class An_urgent_item(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;

    [Fact]
    public async Task Without_any_response_within_the_first_response_limit_escalates_to_the_street_and_the_chair_then_assigns_an_hour_level_task()
    {
        var id = await app.SubmitAsync(Secretary, app.Item("urgent", "安全", days: 1, title: "暴雨导致地下车库进水"));
        Assert.Equal("broadcast", (await app.ItemAsync(Secretary, id)).Status());
        foreach (var member in ItemsKit.CommunityMembers)
        {
            await app.TaskAsync(member, id, "first-round");
        }

        await app.AdvanceAsync(TimeSpan.FromMinutes(31));
        var item = await app.ItemAsync(Secretary, id);
        Assert.Equal("escalated", item.Status());
        Assert.Contains("ItemEscalated", item.Events());

        await app.DoAsync(DemoUsers.SeveralRoles, id, "second-round", "offerResources", fields: new { note = "可派抢修车" });
        await app.AdvanceAsync(TimeSpan.FromMinutes(90));
        Assert.Equal("deciding", (await app.ItemAsync(Secretary, id)).Status());

        var decide = await app.TaskAsync(Secretary, id, "decide");
        using var noHours = await app.PostAsync(Secretary, $"/api/tasks/{decide["id"]}/complete",
            new { outcome = "assign", fields = new { unitId = DemoRegion.Unit(3).Value.ToString() } });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, noHours.StatusCode);
        await app.CompleteAsync(Secretary, decide["id"]!.GetValue<Guid>(), "assign", fields: new { unitId = DemoRegion.Unit(3).Value.ToString(), hours = 4 });
        Assert.Equal("tasks-assigned", (await app.ItemAsync(Secretary, id)).Status());

        var claim = (await app.InboxAsync(DemoUsers.SeveralRoles)).OfType<System.Text.Json.Nodes.JsonObject>()
            .Single(t => t["step"]!.GetValue<string>() == "claim" && t["itemTitle"]!.GetValue<string>() == "暴雨导致地下车库进水");
        await app.CompleteAsync(DemoUsers.SeveralRoles, claim["id"]!.GetValue<Guid>(), "accept");
        var work = await app.TaskAsync(DemoUsers.SeveralRoles, claim["itemId"]!.GetValue<Guid>(), "work");
        Assert.Equal(app.Time.GetUtcNow().UtcDateTime.AddHours(4), work["deadlineUtc"]!.GetValue<DateTime>(), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task With_a_response_in_time_it_is_not_escalated_and_the_others_may_still_respond_within_the_window()
    {
        var id = await app.SubmitAsync(Secretary, app.Item("urgent", "安全", days: 1, title: "燃气泄漏排查"));
        await app.DoAsync(DemoUsers.UnitContact, id, "first-round", "support");

        await app.AdvanceAsync(TimeSpan.FromMinutes(31));
        var item = await app.ItemAsync(Secretary, id);
        Assert.Equal("responding", item.Status());
        Assert.DoesNotContain("ItemEscalated", item.Events());
        await app.DoAsync("huanglijuan", id, "second-round", "unable", "本院人手已全部派出");
        await app.DoAsync("guoqian", id, "second-round", "support");
        await app.DoAsync(DemoUsers.SeveralRoles, id, "second-round", "support");
        await app.DoAsync("zhuting", id, "second-round", "offerResources");

        Assert.Equal("deciding", (await app.ItemAsync(Secretary, id)).Status());
        await app.DoAsync(Secretary, id, "decide", "close", "已处置完毕");
        Assert.Equal("closed", (await app.ItemAsync(Secretary, id)).Status());
    }
}
