using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Items;

/// <summary>Delegating a task, the intake deadline escalating to the street, and one audit entry per action.</summary>
public sealed class Handing_over_and_auditing(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;

    [Fact]
    public async Task A_held_task_can_be_delegated_to_a_colleague_who_then_holds_it()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask(designated: DemoRegion.Unit(1).Value));
        await app.DoAsync(DemoUsers.UnitContact, id, "claim", "accept");
        var work = await app.TaskAsync(DemoUsers.UnitContact, id, "work");
        await app.ClaimAsync(DemoUsers.UnitContact, work["id"]!.GetValue<Guid>());

        using var nobody = await app.PostAsync(DemoUsers.UnitContact, $"/api/tasks/{work["id"]}/delegate", new { toUserId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        Assert.NotNull((await nobody.ProblemAsync())["errors"]!["toUserId"]);
        using var delegated = await app.PostAsync(DemoUsers.UnitContact, $"/api/tasks/{work["id"]}/delegate",
            new { toUserId = DemoRegion.Person(DemoUsers.UnitSecretary), comment = "请马书记牵头" });
        Assert.Equal(HttpStatusCode.OK, delegated.StatusCode);

        Assert.DoesNotContain((await app.InboxAsync(DemoUsers.UnitContact)).OfType<JsonObject>(), t => t["id"]!.GetValue<Guid>() == work["id"]!.GetValue<Guid>());
        await app.DoAsync(DemoUsers.UnitSecretary, id, "work", "done", fields: new { report = "已完成" });
        Assert.Equal("verifying", (await app.ItemAsync(Secretary, id)).Status());
    }

    [Fact]
    public async Task The_holder_may_hand_over_to_the_other_people_of_the_unit_the_task_is_offered_to_and_nobody_else_may_ask()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask(designated: DemoRegion.Unit(1).Value));
        await app.DoAsync(DemoUsers.UnitContact, id, "claim", "accept");
        var work = await app.TaskAsync(DemoUsers.UnitContact, id, "work");
        await app.ClaimAsync(DemoUsers.UnitContact, work["id"]!.GetValue<Guid>());

        using var contact = await app.ClientForAsync(DemoUsers.UnitContact);
        var candidates = (await contact.GetFromJsonAsync<JsonArray>($"/api/tasks/{work["id"]}/hand-over-candidates"))!.OfType<JsonObject>().ToList();
        Assert.Contains(candidates, c => c["userId"]!.GetValue<Guid>() == DemoRegion.Person(DemoUsers.UnitSecretary)
            && c["displayName"]!.GetValue<string>() == "马云飞" && c["organisation"]!.GetValue<string>().Contains("东湖税务所", StringComparison.Ordinal));
        Assert.DoesNotContain(candidates, c => c["userId"]!.GetValue<Guid>() == DemoRegion.Person(DemoUsers.UnitContact));
        Assert.Equal(candidates.Count, candidates.Select(c => c["userId"]!.GetValue<Guid>()).Distinct().Count());

        // the same answers as acting on the task: another unit's contact cannot see it (404)
        using var other = await app.ClientForAsync(DemoUsers.OtherUnitContact);
        using var outside = await other.GetAsync($"/api/tasks/{work["id"]}/hand-over-candidates");
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
    }

    [Fact]
    public async Task An_intake_review_past_its_deadline_goes_to_the_street_chair_and_every_action_is_audited()
    {
        var id = await app.SubmitAsync(Secretary, app.Item("deliberation", days: null));
        await app.AdvanceAsync(TimeSpan.FromDays(2).Add(TimeSpan.FromMinutes(1)));

        var item = await app.ItemAsync(Secretary, id);
        Assert.True(item["escalated"]!.GetValue<bool>());
        Assert.Contains("ItemEscalated", item.Events());
        Assert.Contains("ItemOverdue", item.Events());
        await app.DoAsync(DemoUsers.StreetChair, id, "intake", "reject", "不属于联盟议事范围");
        Assert.Equal("rejected", (await app.ItemAsync(Secretary, id)).Status());

        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var audit = (await admin.GetFromJsonAsync<JsonObject>($"/api/audit?entityId={id}&take=100"))!["entries"]!.AsArray();
        Assert.Equal(["item.submitted", "item.synced", "task.completed"],
            audit!.Select(e => e!["action"]!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/audit/verify")).StatusCode);
    }
}
