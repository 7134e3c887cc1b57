using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Persistence.Ef;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Alliance.Server.Tests.Items;

/// <summary>Where in the write of an action's commit the node goes down.</summary>
public enum CrashPoint
{
    /// <summary>Before the commit is queued: nothing was written.</summary>
    BeforeTheCommit,

    /// <summary>The runtime's statements are written in the transaction, the item's projection not yet.</summary>
    BeforeTheProjection,

    /// <summary>Runtime state and projection are written, the transaction is not committed.</summary>
    BeforeCommit,

    /// <summary>The transaction is durable; the node dies before anyone is told (no answer reaches the client).</summary>
    AfterCommit,
}

/// <summary>
/// The host's commit hook with a fault at a chosen point, for the next commit made under a command of the given name.
/// Before the commit the fault is an exception (the transaction is rolled back, as a crash leaves it); after the commit
/// it blocks for good (the node is gone before it answers).
/// </summary>
public sealed class CrashingHook(ItemCommitHook inner) : IWorkflowCommitHook
{
    private readonly TaskCompletionSource _never = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public (CrashPoint Point, string Command)? Armed { get; set; }

    public object? Prepare(WorkflowCommit commit)
    {
        if (Hits(commit, CrashPoint.BeforeTheCommit))
        {
            throw new SimulatedCrashException();
        }

        var state = inner.Prepare(commit);
        return state is null ? null : new Wrapped(state, commit);
    }

    public async Task RunAsync(WorkflowCommitTransaction commit, CancellationToken cancellationToken)
    {
        var wrapped = (Wrapped)commit.State;
        if (Hits(wrapped.Commit, CrashPoint.BeforeTheProjection))
        {
            throw new SimulatedCrashException();
        }

        await inner.RunAsync(commit with { State = wrapped.Inner }, cancellationToken);
        if (Hits(wrapped.Commit, CrashPoint.BeforeCommit))
        {
            throw new SimulatedCrashException();
        }
    }

    public void Committed(object state)
    {
        var wrapped = (Wrapped)state;
        if (Hits(wrapped.Commit, CrashPoint.AfterCommit))
        {
            _never.Task.GetAwaiter().GetResult(); // the node is gone: nothing after this point happens
        }

        inner.Committed(wrapped.Inner);
    }

    /// <summary>Lets a blocked writer go (after its node was disposed), so the test process does not keep it.</summary>
    public void Release() => _never.TrySetException(new SimulatedCrashException());

    private bool Hits(WorkflowCommit commit, CrashPoint point) =>
        Armed is { } armed && armed.Point == point && commit.Context?.Action == armed.Command;

    private sealed record Wrapped(object Inner, WorkflowCommit Commit);

    public sealed class SimulatedCrashException() : Exception("simulated crash");
}

/// <summary>A node whose commit hook can crash (see <see cref="CrashingHook"/>).</summary>
public sealed class CrashingNode : AllianceAppFactory
{
    public CrashingHook Hook => Services.GetRequiredService<CrashingHook>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(provider => new CrashingHook(provider.GetRequiredService<ItemCommitHook>()));
            services.Replace(ServiceDescriptor.Singleton<IWorkflowCommitHook>(provider => provider.GetRequiredService<CrashingHook>()));
            services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2)); // a node that is "gone" does not wait for its work
        });
    }
}

/// <summary>
/// An action is one commit: wherever the node goes down while writing it, after a restart an item exists exactly when its
/// route exists, each effect happened once, and the client's retry (the same idempotency key, the same task) finishes
/// the work without doing it twice.
/// </summary>
public sealed class A_crash_at_any_point_of_an_action
{
    private static readonly HashSet<string> Routes = [.. Enum.GetValues<ItemKind>().Select(ItemRoutes.WorkflowOf)];

    [Theory]
    [InlineData(CrashPoint.BeforeTheCommit)]
    [InlineData(CrashPoint.BeforeTheProjection)]
    [InlineData(CrashPoint.BeforeCommit)]
    [InlineData(CrashPoint.AfterCommit)]
    public async Task A_submission_leaves_a_route_exactly_with_its_item_and_its_retry_makes_one(CrashPoint point)
    {
        var first = new CrashingNode();
        await first.InitializeAsync();
        var hook = first.Hook;
        var key = $"crash-{point}";
        try
        {
            hook.Armed = (point, "item.submitted");
            var sent = await TrySubmitAsync(first, key);
            Assert.NotEqual(HttpStatusCode.Created, sent); // the client never learnt that it worked
        }
        finally
        {
            await first.DisposeAsync(); // the node is down (its storage stays)
            hook.Release();
        }

        await using var restarted = new RestartedNode(first);
        await restarted.InitializeAsync();
        var before = await ItemsWithKeyAsync(restarted, key);
        Assert.Equal(point == CrashPoint.AfterCommit ? 1 : 0, before);
        await AssertEveryRouteHasItsItemAsync(restarted);

        Assert.Equal(before == 1 ? HttpStatusCode.OK : HttpStatusCode.Created, await TrySubmitAsync(restarted, key));
        Assert.Equal(HttpStatusCode.OK, await TrySubmitAsync(restarted, key));
        Assert.Equal(1, await ItemsWithKeyAsync(restarted, key));
        await AssertEveryRouteHasItsItemAsync(restarted);
        var item = await SubmittedAsync(restarted, key);
        Assert.Equal(1, (await restarted.ItemAsync(DemoUsers.CommunitySecretary, item)).Events().Count(e => e == "ItemSubmitted"));
        await ((IAsyncLifetime)first).DisposeAsync();
    }

    [Theory]
    [InlineData(CrashPoint.BeforeTheCommit)]
    [InlineData(CrashPoint.BeforeTheProjection)]
    [InlineData(CrashPoint.BeforeCommit)]
    [InlineData(CrashPoint.AfterCommit)]
    public async Task A_task_completion_happens_once_and_its_retry_is_refused_or_completes_it(CrashPoint point)
    {
        var first = new CrashingNode();
        await first.InitializeAsync();
        var hook = first.Hook;
        var item = await first.SubmitAsync(DemoUsers.CommunitySecretary, first.Item("deliberation"));
        var task = (await first.TaskAsync(DemoUsers.CommunitySecretary, item, "intake"))["id"]!.GetValue<Guid>();
        try
        {
            hook.Armed = (point, "task.completed");
            using var client = await first.ClientForAsync(DemoUsers.CommunitySecretary);
            var answered = await TryAsync(() => client.PostAsJsonAsync($"/api/tasks/{task}/complete", new { outcome = "accept" }));
            Assert.NotEqual(HttpStatusCode.OK, answered);
        }
        finally
        {
            await first.DisposeAsync();
            hook.Release();
        }

        await using var restarted = new RestartedNode(first);
        await restarted.InitializeAsync();
        await AssertEveryRouteHasItsItemAsync(restarted);
        var done = point == CrashPoint.AfterCommit;
        var detail = await restarted.ItemAsync(DemoUsers.CommunitySecretary, item);
        Assert.Equal(done ? 1 : 0, detail.Events().Count(e => e == "TaskCompleted"));
        Assert.Equal(done, detail["pastSteps"]!.AsArray().Any(s => s!["taskId"]!.GetValue<Guid>() == task));

        using (var retry = await restarted.PostAsync(DemoUsers.CommunitySecretary, $"/api/tasks/{task}/complete", new { outcome = "accept" }))
        {
            Assert.Equal(done ? HttpStatusCode.Conflict : HttpStatusCode.OK, retry.StatusCode);
        }

        detail = await restarted.ItemAsync(DemoUsers.CommunitySecretary, item);
        Assert.Equal(1, detail.Events().Count(e => e == "TaskCompleted"));
        var step = Assert.Single(detail["pastSteps"]!.AsArray(), s => s!["taskId"]!.GetValue<Guid>() == task);
        Assert.Equal("accept", step!["outcome"]!.GetValue<string>());
        await AssertEveryRouteHasItsItemAsync(restarted);
        await ((IAsyncLifetime)first).DisposeAsync();
    }

    private static async Task<HttpStatusCode> TrySubmitAsync(AllianceAppFactory app, string key)
    {
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        client.DefaultRequestHeaders.Add("Idempotency-Key", key);
        return await TryAsync(() => client.PostAsJsonAsync("/api/items", app.Item("deliberation", title: "崩溃测试议题")));
    }

    /// <summary>
    /// The answer's status; 0 when none arrived (the request failed, or no answer came within 8 s). Sent from another
    /// thread: the in-memory test server runs the request on the sender's thread until it first yields, and a node that
    /// is gone after its commit never yields.
    /// </summary>
    private static async Task<HttpStatusCode> TryAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await Task.Run(send).WaitAsync(TimeSpan.FromSeconds(8));
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException or CrashingHook.SimulatedCrashException or InvalidOperationException)
        {
            return 0;
        }
    }

    private static async Task<int> ItemsWithKeyAsync(RestartedNode app, string key)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Set<Item>().CountAsync(i => i.IdempotencyKey == key);
    }

    private static async Task<Guid> SubmittedAsync(RestartedNode app, string key)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Set<Item>().SingleAsync(i => i.IdempotencyKey == key)).Id.Value;
    }

    /// <summary>Every instance of an item route has exactly one item, and every item its instance; an open task of an item exactly when its route waits on it.</summary>
    internal static async Task AssertEveryRouteHasItsItemAsync(AllianceAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var routes = (await db.Set<WorkflowInstance>().AsNoTracking().Select(i => new { i.Id, i.DefinitionId }).ToListAsync())
            .Where(i => Routes.Contains(i.DefinitionId)).Select(i => i.Id.Value).ToHashSet();
        var items = await db.Set<Item>().AsNoTracking().Select(i => i.WorkflowInstanceId).ToListAsync();
        Assert.Equal(items.Count, items.Distinct().Count());
        Assert.Equal(routes.Order(), items.Order());
        var waiting = (await db.Set<Bookmark>().AsNoTracking().Where(b => b.Kind == BookmarkKind.HumanTask).Select(b => b.Id).ToListAsync())
            .Select(b => b.Value).ToHashSet();
        var open = (await db.Set<ItemTask>().AsNoTracking().Where(t => t.ClosedUtc == null).Select(t => t.Id).ToListAsync()).ToHashSet();
        Assert.Equal(waiting.Order(), open.Order());
    }
}
