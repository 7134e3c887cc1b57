using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Meetings;
using Alliance.Workflows;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Items;

/// <summary>A host whose deliberations carry one more projection, which fails on demand (<see cref="ProjectionFault"/>).</summary>
public sealed class FaultyProjectionApp : AllianceAppFactory
{
    public ProjectionFault Fault { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Fault);
            services.AddScoped<IItemProjection, FaultyProjection>();
        });
    }
}

/// <summary>How many of the next projections of a deliberation fail.</summary>
public sealed class ProjectionFault
{
    private int _failures;

    public void FailNext(int count) => Volatile.Write(ref _failures, count);

    public bool Fails() => Interlocked.Decrement(ref _failures) >= 0;
}

internal sealed class FaultyProjection(ProjectionFault fault) : IItemProjection
{
    public ItemKind Kind => ItemKind.Deliberation;

    public Task ProjectAsync(ItemProjectionContext context, CancellationToken cancellationToken) =>
        fault.Fails() ? throw new InvalidOperationException("the deliberation's projection failed (test)") : Task.CompletedTask;
}

/// <summary>
/// Every runtime commit of an item's route carries the item's projection in its own transaction: what a timer or a
/// finished child does reaches the item, its timeline and its live stream at once, without the supervision sweep, and
/// a failing projection commits neither the route's step nor the item's.
/// </summary>
public sealed class Items_follow_their_routes_at_once(FaultyProjectionApp app) : IClassFixture<FaultyProjectionApp>
{
    private const string Secretary = DemoUsers.CommunitySecretary;

    [Fact]
    public async Task A_deadline_escalation_reaches_the_item_its_timeline_and_its_stream_without_the_sweep()
    {
        var id = await app.SubmitAsync(Secretary, app.Item("deliberation", days: null));
        await AssertNoItemLagsItsRouteAsync();

        await app.FireTimersAsync(TimeSpan.FromDays(2).Add(TimeSpan.FromMinutes(1))); // the intake review's deadline timer, no sweep

        var item = await app.ItemAsync(Secretary, id);
        Assert.True(item["escalated"]!.GetValue<bool>());
        Assert.True(item["overdue"]!.GetValue<bool>());
        Assert.Contains("ItemEscalated", item.Events());
        Assert.Contains("ItemOverdue", item.Events());
        Assert.Contains((await app.InboxAsync(DemoUsers.StreetChair)).OfType<JsonObject>(), t => t["itemId"]!.GetValue<Guid>() == id && t["step"]!.GetValue<string>() == "intake");
        await AssertNoItemLagsItsRouteAsync();

        // the item's events leave through the items' outbox at once, so the chair's board shows the escalation
        var stream = await WaitForStreamEventAsync(id, "Escalated");
        Assert.Contains(stream, e => e.GetProperty("kind").GetString() == "Overdue");
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var audit = (await admin.GetFromJsonAsync<JsonObject>($"/api/audit?entityId={id}&take=100"))!["entries"]!.AsArray();
        Assert.Contains(audit!, e => e!["action"]!.GetValue<string>() == "item.synced");
        Assert.DoesNotContain(audit!, e => e!["action"]!.GetValue<string>() == "item.supervised");
    }

    [Fact]
    public async Task A_finished_child_route_moves_its_waiting_parent_item_in_the_same_step()
    {
        var id = await app.SubmitAsync(Secretary, app.Item("deliberation", days: null));
        await app.DoAsync(Secretary, id, "intake", "accept");
        await app.DoAsync(Secretary, id, "scope", "escalate", "涉及新华社区，跨社区事项");
        var streetId = (await app.ItemAsync(Secretary, id))["childItems"]!.AsArray().Single()!["id"]!.GetValue<Guid>();
        await app.DoAsync(DemoUsers.StreetChair, streetId, "intake", "accept");
        await app.DoAsync(DemoUsers.StreetChair, streetId, "scope", "stay");
        await app.DoAsync(DemoUsers.UnitContact, streetId, "opinions", "agree", fields: new { opinion = "同意由街道统筹" });
        await app.FireTimersAsync(TimeSpan.FromDays(31)); // the opinion window closes by its timer
        await AssertNoItemLagsItsRouteAsync();
        Assert.Equal("escalated", (await app.ItemAsync(Secretary, id)).Status());

        await app.SettleAtMeetingAsync(streetId, new { outcome = "resolved", resolution = "由街道统筹两社区共同实施" }, DemoUsers.StreetChair,
            DemoRegion.StreetAlliance(1).Value);

        // the child's commit resumed the parent's route; that commit projected the parent item: no sweep, no second call
        // (the joint meeting's outcome reaches the street item's route over the bus, so the test waits for it)
        var parent = await app.ItemReachesAsync(id, "resolved-by-street", Secretary);
        Assert.NotNull(parent["closedUtc"]);
        Assert.Equal("ItemClosed", parent.Events()[^1]);
        await AssertNoItemLagsItsRouteAsync();
    }

    [Fact]
    public async Task A_projection_that_fails_commits_neither_the_step_nor_the_item_and_the_runtime_redoes_it()
    {
        var id = await app.SubmitAsync(Secretary, app.Item("deliberation", days: null));
        var item = await app.ItemAsync(Secretary, id);
        var instanceId = new InstanceId(item["workflowInstanceId"]!.GetValue<Guid>());
        var runtime = app.Services.GetRequiredService<WorkflowRuntime>();
        var version = (await runtime.GetInstanceAsync(instanceId))!.Version;
        var intake = await app.TaskAsync(Secretary, id, "intake");

        // fails on every attempt: the runtime gives up and nothing of the step is committed, neither route nor item
        app.Fault.FailNext(int.MaxValue);
        using (var refused = await app.PostAsync(Secretary, $"/api/tasks/{intake["id"]}/complete", new { outcome = "accept" }))
        {
            Assert.False(refused.IsSuccessStatusCode);
        }

        app.Fault.FailNext(0);
        Assert.Equal(version, (await runtime.GetInstanceAsync(instanceId))!.Version);
        await app.TaskAsync(Secretary, id, "intake"); // still open
        var unchanged = await app.ItemAsync(Secretary, id);
        Assert.Equal(("intake-review", item["sequence"]!.GetValue<long>()), (unchanged.Status(), unchanged["sequence"]!.GetValue<long>()));
        await AssertNoItemLagsItsRouteAsync();

        // fails once: the runtime redoes the commit from a fresh load and both commit, once
        app.Fault.FailNext(1);
        await app.CompleteAsync(Secretary, intake["id"]!.GetValue<Guid>(), "accept");
        var moved = await app.ItemAsync(Secretary, id);
        await app.TaskAsync(Secretary, id, "scope"); // the route moved on to its next step
        Assert.Single(moved["timeline"]!.AsArray(), e => e!["type"]!.GetValue<string>() == "TaskCompleted");
        Assert.Equal(Enumerable.Range(1, moved["timeline"]!.AsArray().Count).Select(i => (long)i),
            moved["timeline"]!.AsArray().Select(e => e!["sequence"]!.GetValue<long>()).Order());
        Assert.Equal(version + 1, (await runtime.GetInstanceAsync(instanceId))!.Version);
        await AssertNoItemLagsItsRouteAsync();
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var audit = (await admin.GetFromJsonAsync<JsonObject>($"/api/audit?entityId={id}&take=100"))!["entries"]!.AsArray();
        Assert.Single(audit!, e => e!["action"]!.GetValue<string>() == "task.completed");
    }

    [Fact]
    public async Task An_operator_cancelling_a_route_closes_its_item_in_the_same_commit_under_the_operators_name()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask());
        var instance = (await app.ItemAsync(Secretary, id))["workflowInstanceId"]!.GetValue<Guid>();

        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        using (var cancelled = await admin.PostAsJsonAsync($"/api/workflows/instances/{instance}/cancel", new { reason = "重复提交" }))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, cancelled.StatusCode);
        }

        var item = await app.ItemAsync(Secretary, id);
        Assert.NotNull(item["closedUtc"]);
        Assert.Equal("ItemClosed", item.Events()[^1]);
        await AssertNoItemLagsItsRouteAsync();
        var audit = (await admin.GetFromJsonAsync<JsonObject>($"/api/audit?entityId={id}&take=100"))!["entries"]!.AsArray();
        var cancelledEntries = audit.Where(e => e!["action"]!.GetValue<string>() == "workflow.cancelled").ToList();
        Assert.True(cancelledEntries.Count == 1, "one workflow.cancelled entry expected; the item's audit: " + audit.ToJsonString());
        var entry = cancelledEntries[0]!;
        Assert.Equal(DemoUsers.DistrictAdmin, entry["actorName"]!.GetValue<string>());
    }

    /// <summary>
    /// Every item shows its route as committed: the route's status and closing, the open tasks, and every status step
    /// the journal has. (Only what the clock alone changes, overdue and 督办, is left to the sweep.)
    /// </summary>
    private async Task AssertNoItemLagsItsRouteAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var items = await db.Set<Item>().AsNoTracking().ToListAsync();
        var instances = await db.Set<WorkflowInstance>().AsNoTracking().ToDictionaryAsync(i => i.Id.Value);
        var open = await db.Set<Bookmark>().AsNoTracking().Where(b => b.Kind == BookmarkKind.HumanTask).ToListAsync();
        var tracked = await db.Set<ItemTask>().AsNoTracking().Where(t => t.ClosedUtc == null).ToListAsync();
        var steps = await db.Set<JournalEntry>().AsNoTracking().Where(j => j.ActivityType == "SetStatus").Select(j => j.InstanceId).ToListAsync();
        Assert.NotEmpty(items);
        foreach (var item in items)
        {
            var instance = instances[item.WorkflowInstanceId];
            var what = $"item {item.Id} ({item.Kind}, route {instance.Id})";
            Assert.True(instance.BusinessStatus is null || instance.BusinessStatus == item.Status, $"{what}: status {item.Status}, route {instance.BusinessStatus}");
            Assert.True(instance.IsClosed == item.IsClosed, $"{what}: closed {item.IsClosed}, route {instance.Status}");
            Assert.True(steps.Count(s => s == instance.Id) == item.StatusSteps, $"{what}: {item.StatusSteps} status steps shown");
            Assert.Equal(
                open.Where(b => b.InstanceId == instance.Id).Select(b => b.Id.Value).Order(),
                tracked.Where(t => t.ItemId == item.Id).Select(t => t.Id).Order());
        }
    }

    /// <summary>The item's stream once it holds an event of <paramref name="kind"/> (bounded wait for the feed).</summary>
    private async Task<List<JsonElement>> WaitForStreamEventAsync(Guid item, string kind)
    {
        using var client = await app.ClientForAsync(Secretary);
        using var deadline = new CancellationTokenSource(Live.LiveTestKit.Patience);
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/streams/item:{item:D}/events?after=0", deadline.Token);
            var events = page.GetProperty("events").EnumerateArray().ToList();
            if (events.Exists(e => e.GetProperty("kind").GetString() == kind))
            {
                return events;
            }

            await Task.Delay(50, deadline.Token); // polls the feed; the clock of the item itself is fake
        }
    }
}
