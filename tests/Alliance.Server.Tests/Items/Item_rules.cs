using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Items;

/// <summary>The API rules for items and tasks: 400 names each field, 404 out of scope, 409 with a reason; the ledger; events leave through the outbox.</summary>
public sealed class Item_rules(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;
    private const string Unit = DemoUsers.UnitContact;
    private const string Outsider = DemoUsers.OtherCommunitySecretary;

    [Fact]
    public async Task A_submission_with_missing_or_invalid_fields_is_400_naming_each_field()
    {
        using var client = await app.ClientForAsync(Secretary);
        using var response = await client.PostAsJsonAsync("/api/items", new { kind = "jointTask", title = "", allianceId = DemoRegion.CommunityAlliance(4).Value });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ProblemAsync())["errors"]!.AsObject();
        Assert.Equal(["allianceId", "category", "description", "desiredDate", "title"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_unit_may_not_submit_to_an_alliance_it_is_not_part_of_and_nobody_sees_another_communitys_item()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask());
        using var outsider = await app.ClientForAsync(Outsider);

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/items/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/items/{id}/diagram")).StatusCode);
        var task = await app.TaskAsync(Unit, id, "claim");
        using var claim = await app.PostAsync(Outsider, $"/api/tasks/{task["id"]}/claim");
        Assert.Equal(HttpStatusCode.NotFound, claim.StatusCode);
        var list = await outsider.GetFromJsonAsync<JsonObject>("/api/items");
        Assert.DoesNotContain(list!["items"]!.AsArray(), i => i!["id"]!.GetValue<Guid>() == id);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientForAsync(Unit)).GetAsync($"/api/items/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientForAsync(DemoUsers.StreetChair)).GetAsync($"/api/items/{id}")).StatusCode);
    }

    [Fact]
    public async Task The_route_lists_its_steps_in_order_with_the_step_passed_the_one_waited_at_and_the_ways_out()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask(designated: DemoRegion.Unit(1).Value));
        await app.CompleteAsync(Unit, (await app.TaskAsync(Unit, id, "claim"))["id"]!.GetValue<Guid>(), "accept");
        using var client = await app.ClientForAsync(Secretary);

        var steps = (await client.GetFromJsonAsync<JsonObject>($"/api/items/{id}/diagram"))!["steps"]!.AsArray().OfType<JsonObject>().ToList();

        string State(string step) => steps.Single(s => s["id"]!.GetValue<string>() == step)["state"]!.GetValue<string>();
        Assert.Equal("start", steps[0]["id"]!.GetValue<string>());
        Assert.Equal("visited", State("start"));
        Assert.Equal("visited", State("claim"));
        Assert.Single(steps, s => s["state"]!.GetValue<string>() == "current");
        Assert.True(steps.FindIndex(s => s["id"]!.GetValue<string>() == "claim") < steps.FindIndex(s => s["state"]!.GetValue<string>() == "current"));
        var claimExits = steps.Single(s => s["id"]!.GetValue<string>() == "claim")["exits"]!.AsArray().OfType<JsonObject>().ToList();
        Assert.Contains(claimExits, e => e["port"]!.GetValue<string>() == "accept" && e["to"] is not null);
        Assert.All(steps, s => Assert.False(string.IsNullOrEmpty(s["title"]!["zh-CN"]!.GetValue<string>())));
    }

    [Fact]
    public async Task An_outcome_outside_the_allowed_set_a_task_already_done_and_a_closed_item_are_409_with_a_reason()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask(designated: DemoRegion.Unit(1).Value));
        var claim = await app.TaskAsync(Unit, id, "claim");
        using var wrong = await app.PostAsync(Unit, $"/api/tasks/{claim["id"]}/complete", new { outcome = "maybe" });
        Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
        Assert.Equal("workflow.outcome-not-allowed", (await wrong.ProblemAsync())["code"]!.GetValue<string>());

        await app.CompleteAsync(Unit, claim["id"]!.GetValue<Guid>(), "accept");
        using var again = await app.PostAsync(Unit, $"/api/tasks/{claim["id"]}/complete", new { outcome = "accept" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("task.closed", (await again.ProblemAsync())["code"]!.GetValue<string>());

        var work = await app.TaskAsync(Unit, id, "work");
        using var noReport = await app.PostAsync(Unit, $"/api/tasks/{work["id"]}/complete", new { outcome = "done", fields = new { } });
        Assert.Equal(HttpStatusCode.BadRequest, noReport.StatusCode);
        Assert.NotNull((await noReport.ProblemAsync())["errors"]!["report"]);
        await app.CompleteAsync(Unit, work["id"]!.GetValue<Guid>(), "done", fields: new { report = "完成" });
        await app.DoAsync(Secretary, id, "verify", "satisfied");

        using var closed = await app.PostAsync(Unit, $"/api/tasks/{work["id"]}/claim");
        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
        Assert.Equal("item.closed", (await closed.ProblemAsync())["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_closed_item_is_in_its_alliances_ledger_with_its_whole_timeline_and_its_events_leave_through_the_outbox()
    {
        var id = await app.CloseJointTaskAsync();
        var alliance = DemoRegion.CommunityAlliance(1).Value;
        var today = app.Today();

        using var client = await app.ClientForAsync(Secretary);
        var ledger = await client.GetFromJsonAsync<JsonArray>($"/api/ledger?alliance={alliance}&from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}");
        var entry = Assert.Single(ledger!.OfType<JsonObject>(), e => e["id"]!.GetValue<Guid>() == id);
        Assert.Equal("ItemClosed", entry["timeline"]!.AsArray()[^1]!["type"]!.GetValue<string>());
        Assert.Equal(3, entry["steps"]!.AsArray().Count);
        Assert.DoesNotContain((await client.GetFromJsonAsync<JsonArray>($"/api/ledger?alliance={alliance}&to={today.AddDays(-1):yyyy-MM-dd}"))!,
            e => e!["id"]!.GetValue<Guid>() == id);
        using var backwards = await client.GetAsync($"/api/ledger?from={today:yyyy-MM-dd}&to={today.AddDays(-1):yyyy-MM-dd}");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        using var outsider = await app.ClientForAsync(Outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/ledger?alliance={alliance}")).StatusCode);

        await app.Services.GetRequiredService<HostOutboxDispatcher>().DispatchAsync(CancellationToken.None);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var rows = await db.Set<ItemEventRecord>().Where(e => e.ItemId == new ItemId(id)).OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(["ItemClosed", "ItemStatusChanged", "ItemSubmitted", "TaskAssigned", "TaskCompleted"],
            rows.Select(r => r.Type).Distinct().Order(StringComparer.Ordinal));
        var ids = rows.ConvertAll(r => r.Id);
        var outbox = await db.Set<OutboxMessage>().Where(m => ids.Contains(m.Id)).ToListAsync();
        Assert.Equal(rows.Count, outbox.Count); // every timeline event has its row in the one host outbox ...
        Assert.All(outbox, m => Assert.NotNull(m.DispatchedUtc)); // ... and was published
        Assert.Equal(ids, outbox.OrderBy(m => m.CreatedUtc).ThenBy(m => m.Position).Select(m => m.Id)); // in the item's order
    }
}
