using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Workflows;
using Alliance.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Items;

/// <summary>
/// 急事共商 through HTTP: broadcast, responses within hours, escalation without any, the chair's hour-level tasks, and
/// the item staying in work until every task has finished, closing with how the emergency ended.
/// </summary>
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
        foreach (var units in new[] { Array.Empty<string>(), [DemoRegion.Unit(3).Value.ToString(), DemoRegion.Unit(13).Value.ToString()] })
        {
            using var refused = await app.PostAsync(Secretary, $"/api/tasks/{decide["id"]}/complete", new { outcome = "assign", fields = new { unitIds = units } });
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.NotNull((await refused.ProblemAsync())["errors"]!["fields.unitIds"]);
        }

        await app.CompleteAsync(Secretary, decide["id"]!.GetValue<Guid>(), "assign",
            fields: new { unitIds = new[] { DemoRegion.Unit(3).Value.ToString(), DemoRegion.Unit(1).Value.ToString() }, instructions = "立即排水" });
        var decided = await app.ItemAsync(Secretary, id);
        Assert.Equal("tasks-assigned", decided.Status());
        Assert.Null(decided["closedUtc"]); // in work while its tasks run, not closed
        Assert.Equal(2, decided["childItems"]!.AsArray().Count);

        // one task per chosen unit, each due the rules' urgent task deadline (8 hours) from the decision
        var due = app.Time.GetUtcNow().UtcDateTime.AddHours(8);
        foreach (var user in new[] { DemoUsers.SeveralRoles, DemoUsers.UnitContact })
        {
            var claim = (await app.InboxAsync(user)).OfType<System.Text.Json.Nodes.JsonObject>()
                .Single(t => t["step"]!.GetValue<string>() == "claim" && t["itemTitle"]!.GetValue<string>() == "暴雨导致地下车库进水");
            Assert.Single(claim["candidates"]!.AsArray());
            Assert.Equal(due, claim["deadlineUtc"]!.GetValue<DateTime>(), TimeSpan.FromSeconds(1)); // accepting is due in hours too, not the days of an ordinary claim window
            await app.CompleteAsync(user, claim["id"]!.GetValue<Guid>(), "accept");
            var work = await app.TaskAsync(user, claim["itemId"]!.GetValue<Guid>(), "work");
            Assert.Equal(due, work["deadlineUtc"]!.GetValue<DateTime>(), TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task The_chair_may_give_the_tasks_other_hours_than_the_rules()
    {
        var id = await app.SubmitAsync(Secretary, app.Item("urgent", "安全", days: 1, title: "路灯大面积损坏"));
        foreach (var (member, i) in ItemsKit.CommunityMembers.Select((m, i) => (m, i)))
        {
            await app.DoAsync(member, id, "first-round", i == 0 ? "offerResources" : "unable", i == 0 ? null : "无相关资源");
        }

        await app.DoAsync(Secretary, id, "decide", "assign", fields: new { unitIds = new[] { DemoRegion.Unit(1).Value.ToString() }, hours = 3 });

        var claim = (await app.InboxAsync(DemoUsers.UnitContact)).OfType<System.Text.Json.Nodes.JsonObject>()
            .Single(t => t["step"]!.GetValue<string>() == "claim" && t["itemTitle"]!.GetValue<string>() == "路灯大面积损坏");
        await app.CompleteAsync(DemoUsers.UnitContact, claim["id"]!.GetValue<Guid>(), "accept");
        var work = await app.TaskAsync(DemoUsers.UnitContact, claim["itemId"]!.GetValue<Guid>(), "work");
        Assert.Equal(app.Time.GetUtcNow().UtcDateTime.AddHours(3), work["deadlineUtc"]!.GetValue<DateTime>(), TimeSpan.FromSeconds(1));
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

    [Fact]
    public async Task Statuses_passed_between_two_looks_at_the_item_are_all_in_its_timeline()
    {
        var id = await app.SubmitAsync(Secretary, app.Item("urgent", "安全", days: 1, title: "小区停电"));

        // the first-response limit and then the rest of the window pass (both timers fire) before the item is projected again
        var runtime = app.Services.GetRequiredService<WorkflowRuntime>();
        app.Time.Advance(TimeSpan.FromMinutes(31));
        await runtime.RearmTimersAsync();
        Assert.Equal("escalated", (await runtime.GetInstanceAsync(new InstanceId(await InstanceOfAsync(id))))!.BusinessStatus);
        app.Time.Advance(TimeSpan.FromMinutes(91));
        await runtime.RearmTimersAsync();
        Assert.Equal("deciding", (await runtime.GetInstanceAsync(new InstanceId(await InstanceOfAsync(id))))!.BusinessStatus);
        await app.Services.GetRequiredService<ItemSupervision>().SweepAsync(CancellationToken.None);

        var item = await app.ItemAsync(Secretary, id);
        Assert.Equal("deciding", item.Status());
        var changes = item["timeline"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "ItemStatusChanged")
            .Select(e => $"{e!["data"]!["from"]!.GetValue<string>()}->{e["data"]!["to"]!.GetValue<string>()}");
        Assert.Equal(["submitted->broadcast", "broadcast->escalated", "escalated->deciding"], changes);
        Assert.Contains("ItemEscalated", item.Events());
    }

    [Fact]
    public async Task With_two_units_assigned_it_stays_open_while_one_task_runs_and_closes_resolved_into_the_ledger_when_both_are_done()
    {
        const string title = "台风过境树木倒伏";
        var id = await DecidedAsync(title, DemoRegion.Unit(3), DemoRegion.Unit(1));
        var tasks = await ChildItemsAsync(id);
        var (first, second) = (await JointTaskOfAsync(DemoUsers.UnitContact, title), await JointTaskOfAsync(DemoUsers.SeveralRoles, title));

        await FinishJointTaskAsync(DemoUsers.UnitContact, first);
        var oneDone = await app.ItemAsync(Secretary, id);
        var ledgerWhileOpen = await LedgerAsync();
        await FinishJointTaskAsync(DemoUsers.SeveralRoles, second);

        Assert.Equal(new[] { first, second }.Order(), tasks.Order());
        Assert.Equal("closed", (await app.ItemAsync(Secretary, first)).Status());
        Assert.Equal("tasks-assigned", oneDone.Status());
        Assert.Null(oneDone["closedUtc"]);
        Assert.DoesNotContain(ledgerWhileOpen, e => e["id"]!.GetValue<Guid>() == id);
        var item = await app.ItemAsync(Secretary, id);
        Assert.Equal("resolved", item.Status());
        Assert.NotNull(item["closedUtc"]);
        Assert.Equal("ItemClosed", item.Events()[^1]);
        var entry = (await LedgerAsync()).Single(e => e["id"]!.GetValue<Guid>() == id);
        Assert.Equal("resolved", entry["status"]!.GetValue<string>());
        Assert.Equal(item["closedUtc"]!.GetValue<DateTime>(), entry["closedUtc"]!.GetValue<DateTime>());
        Assert.Equal(tasks.Order(), entry["childItems"]!.AsArray().Select(c => c!["id"]!.GetValue<Guid>()).Order());
        Assert.All(entry["childItems"]!.AsArray(), c => Assert.Equal("closed", c!["status"]!.GetValue<string>()));
        var changes = item["timeline"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "ItemStatusChanged").Select(e => e!["data"]!["to"]!.GetValue<string>());
        Assert.Equal(["tasks-assigned", "resolved"], changes.TakeLast(2));
    }

    [Fact]
    public async Task With_one_task_cancelled_and_the_other_done_it_closes_partly_resolved()
    {
        const string title = "化工厂异味排查";
        var id = await DecidedAsync(title, DemoRegion.Unit(3), DemoRegion.Unit(1));
        var (done, dropped) = (await JointTaskOfAsync(DemoUsers.UnitContact, title), await JointTaskOfAsync(DemoUsers.SeveralRoles, title));

        using (var cancelled = await app.PostAsync(DemoUsers.DistrictAdmin, $"/api/workflows/instances/{await InstanceOfAsync(dropped)}/cancel", new { reason = "单位无法到场" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, cancelled.StatusCode);
        }

        var oneCancelled = await app.ItemAsync(Secretary, id);
        await FinishJointTaskAsync(DemoUsers.UnitContact, done);

        Assert.Equal(("tasks-assigned", true), (oneCancelled.Status(), oneCancelled["closedUtc"] is null));
        var entry = (await LedgerAsync()).Single(e => e["id"]!.GetValue<Guid>() == id);
        Assert.Equal("partly-resolved", entry["status"]!.GetValue<string>());
        Assert.All(entry["childItems"]!.AsArray(), c => Assert.NotNull(c!["closedUtc"]));
    }

    /// <summary>An urgent item everyone answered, on which the chair assigned a task to each of <paramref name="units"/>.</summary>
    private async Task<Guid> DecidedAsync(string title, params OrganisationId[] units)
    {
        var id = await app.SubmitAsync(Secretary, app.Item("urgent", "安全", days: 1, title: title));
        foreach (var member in ItemsKit.CommunityMembers)
        {
            await app.DoAsync(member, id, "first-round", "support");
        }

        await app.DoAsync(Secretary, id, "decide", "assign", fields: new { unitIds = units.Select(u => u.Value.ToString()).ToArray() });
        return id;
    }

    private async Task<List<Guid>> ChildItemsAsync(Guid id) =>
        [.. (await app.ItemAsync(Secretary, id))["childItems"]!.AsArray().Select(c => c!["id"]!.GetValue<Guid>())];

    /// <summary>The joint task of the urgent item titled <paramref name="title"/> that waits for <paramref name="unitUser"/>'s unit to accept it.</summary>
    private async Task<Guid> JointTaskOfAsync(string unitUser, string title) =>
        (await app.InboxAsync(unitUser)).OfType<JsonObject>()
            .Single(t => t["step"]!.GetValue<string>() == "claim" && t["itemTitle"]!.GetValue<string>() == title)["itemId"]!.GetValue<Guid>();

    /// <summary>The designated unit accepts and does the joint task; the community verifies it.</summary>
    private async Task FinishJointTaskAsync(string unitUser, Guid task)
    {
        await app.DoAsync(unitUser, task, "claim", "accept");
        await app.DoAsync(unitUser, task, "work", "done", fields: new { report = "已处置", evidence = "现场照片" });
        await app.DoAsync(Secretary, task, "verify", "satisfied");
    }

    private async Task<List<JsonObject>> LedgerAsync()
    {
        using var client = await app.ClientForAsync(Secretary);
        var ledger = await client.GetFromJsonAsync<JsonArray>($"/api/ledger?alliance={DemoRegion.CommunityAlliance(1).Value}");
        return [.. ledger!.OfType<JsonObject>()];
    }

    private async Task<Guid> InstanceOfAsync(Guid item) => (await app.ItemAsync(DemoUsers.DistrictAdmin, item))["workflowInstanceId"]!.GetValue<Guid>();
}
