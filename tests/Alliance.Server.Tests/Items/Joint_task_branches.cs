using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Workflows;
using Alliance.Workflows.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Items;

/// <summary>实事共办's branches: no claim (assigned or escalated), unsatisfied → rework → escalation, overdue → 督办.</summary>
public sealed class Joint_task_branches(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;
    private const string Unit = DemoUsers.UnitContact;
    private const string Hospital = "huanglijuan";
    private const string StreetChair = DemoUsers.StreetChair;

    [Fact]
    public async Task Without_a_claim_in_the_window_the_chair_assigns_a_member_unit()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask());
        await app.AdvanceAsync(TimeSpan.FromDays(3).Add(TimeSpan.FromMinutes(1)));

        Assert.Equal("unclaimed", (await app.ItemAsync(Secretary, id)).Status());
        var assign = await app.TaskAsync(Secretary, id, "assign");
        using var outsider = await app.PostAsync(Secretary, $"/api/tasks/{assign["id"]}/complete",
            new { outcome = "assign", fields = new { unitId = DemoRegion.Unit(13).Value.ToString() } });
        Assert.Equal(HttpStatusCode.BadRequest, outsider.StatusCode);
        Assert.NotNull((await outsider.ProblemAsync())["errors"]!["fields.unitId"]);
        await app.CompleteAsync(Secretary, assign["id"]!.GetValue<Guid>(), "assign", fields: new { unitId = DemoRegion.Unit(2).Value.ToString() });

        Assert.Equal("in-progress", (await app.ItemAsync(Secretary, id)).Status());
        await app.TaskAsync(Hospital, id, "work");
    }

    [Fact]
    public async Task Without_a_claim_the_chair_may_escalate_to_the_street_with_a_reason()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask(category: "法律"));
        await app.AdvanceAsync(TimeSpan.FromDays(3).Add(TimeSpan.FromMinutes(1)));
        var assign = await app.TaskAsync(Secretary, id, "assign");

        using var noReason = await app.PostAsync(Secretary, $"/api/tasks/{assign["id"]}/complete", new { outcome = "escalate" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.NotNull((await noReason.ProblemAsync())["errors"]!["comment"]);
        await app.CompleteAsync(Secretary, assign["id"]!.GetValue<Guid>(), "escalate", "本社区单位均无相关资源");

        var item = await app.ItemAsync(Secretary, id);
        Assert.Equal("escalated", item.Status());
        Assert.True(item["escalated"]!.GetValue<bool>());
        Assert.Contains("ItemEscalated", item.Events());
        await app.DoAsync(StreetChair, id, "street", "resolved", fields: new { resolution = "协调区司法局派员" });
        Assert.Equal("closed", (await app.ItemAsync(Secretary, id)).Status());
    }

    [Fact]
    public async Task Unsatisfied_work_goes_back_with_a_reason_and_after_the_maximum_reworks_escalates_to_the_street()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask(designated: DemoRegion.Unit(1).Value));
        await app.DoAsync(Unit, id, "claim", "accept");
        for (var round = 1; round <= 3; round++)
        {
            await app.DoAsync(Unit, id, "work", "done", fields: new { report = $"第{round}次办理" });
            var verify = await app.TaskAsync(Secretary, id, "verify");
            using var noReason = await app.PostAsync(Secretary, $"/api/tasks/{verify["id"]}/complete", new { outcome = "unsatisfied" });
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
            await app.CompleteAsync(Secretary, verify["id"]!.GetValue<Guid>(), "unsatisfied", "居民反映效果不好");
            Assert.Equal(round <= 2 ? "rework" : "escalated", (await app.ItemAsync(Secretary, id)).Status());
        }

        await app.TaskAsync(StreetChair, id, "street");
    }

    [Fact]
    public async Task Work_past_its_deadline_is_flagged_overdue_and_after_the_grace_period_is_on_the_streets_supervision_list()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask(designated: DemoRegion.Unit(1).Value, days: 2));
        await app.DoAsync(Unit, id, "claim", "accept");
        var deadline = (await app.TaskAsync(Unit, id, "work"))["deadlineUtc"]!.GetValue<DateTime>();

        await app.AdvanceAsync(deadline - app.Time.GetUtcNow().UtcDateTime + TimeSpan.FromMinutes(1));
        var item = await app.ItemAsync(Secretary, id);
        Assert.True(item["overdue"]!.GetValue<bool>());
        Assert.Contains("ItemOverdue", item.Events());
        Assert.DoesNotContain(await SupervisedAsync(StreetChair), e => e["itemId"]!.GetValue<Guid>() == id);
        using (var secretary = await app.ClientForAsync(Secretary))
        {
            var overdue = await secretary.GetFromJsonAsync<JsonObject>("/api/items?overdue=true");
            Assert.Contains(overdue!["items"]!.AsArray(), i => i!["id"]!.GetValue<Guid>() == id);
        }

        await app.AdvanceAsync(TimeSpan.FromDays(1));
        var entry = Assert.Single(await SupervisedAsync(StreetChair), e => e["itemId"]!.GetValue<Guid>() == id);
        Assert.Equal(DemoRegion.Unit(1).Value, entry["responsibleOrganisationId"]!.GetValue<Guid>());
        Assert.DoesNotContain(await SupervisedAsync(Secretary), e => e["itemId"]!.GetValue<Guid>() == id);
        using var chair = await app.ClientForAsync(StreetChair);
        var counts = (await chair.GetFromJsonAsync<JsonObject>("/api/supervision"))!["overdueByUnit"]!.AsArray();
        Assert.Contains(counts, c => c!["organisationId"]!.GetValue<Guid>() == DemoRegion.Unit(1).Value && c["overdue"]!.GetValue<int>() >= 1);

        // the overdue work done (late), the flag and the 督办 entry clear before the item closes
        await app.DoAsync(Unit, id, "work-late", "done", fields: new { report = "已补办" });
        var done = await app.ItemAsync(Secretary, id);
        Assert.Equal("verifying", done.Status());
        Assert.False(done["overdue"]!.GetValue<bool>());
        Assert.NotNull(Assert.Single(await SupervisedAsync(StreetChair), e => e["itemId"]!.GetValue<Guid>() == id)["resolvedUtc"]);
        using (var secretary = await app.ClientForAsync(Secretary))
        {
            var overdue = await secretary.GetFromJsonAsync<JsonObject>("/api/items?overdue=true");
            Assert.DoesNotContain(overdue!["items"]!.AsArray(), i => i!["id"]!.GetValue<Guid>() == id);
        }

        await app.AdvanceAsync(TimeSpan.FromDays(2));
        Assert.False((await app.ItemAsync(Secretary, id))["overdue"]!.GetValue<bool>());
        await app.DoAsync(Secretary, id, "verify", "basicallySatisfied");
    }

    [Fact]
    public async Task Reminders_go_out_before_the_claim_deadline_at_the_offsets_of_the_rules()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask());
        var instance = (await app.ItemAsync(Secretary, id))["workflowInstanceId"]!.GetValue<Guid>();

        await app.AdvanceAsync(TimeSpan.FromDays(2).Add(TimeSpan.FromMinutes(1)));
        var afterOneDay = await RemindersAsync(instance);
        await app.AdvanceAsync(TimeSpan.FromHours(22));

        Assert.Equal(1, afterOneDay);
        Assert.Equal(2, await RemindersAsync(instance));
        Assert.Equal("published", (await app.ItemAsync(Secretary, id)).Status());
    }

    private async Task<int> RemindersAsync(Guid instance)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        return await db.Set<OutboxMessage>().CountAsync(o => o.InstanceId == new InstanceId(instance) && o.MessageType == "task.reminder");
    }

    private async Task<IReadOnlyList<JsonObject>> SupervisedAsync(string user)
    {
        using var client = await app.ClientForAsync(user);
        return [.. (await client.GetFromJsonAsync<JsonObject>("/api/supervision"))!["entries"]!.AsArray().OfType<JsonObject>()];
    }
}
