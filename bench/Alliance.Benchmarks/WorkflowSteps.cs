using System.Diagnostics;
using System.Text.Json.Nodes;
using Alliance.Workflows;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Persistence.Ef;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Alliance.Benchmarks;

/// <summary>
/// Persisted workflow steps: each step is one resume that commits (a stimulus delivered to a waiting bookmark, the
/// instance runs to its next wait, and state, bookmarks, journal and outbox commit in one transaction).
/// Each worker drives its own instance, a loop of WaitForMessage → SetVariable → Decision.
/// </summary>
internal static class WorkflowSteps
{
    private const string LoopFlow = """
        {
          "id": "bench-loop", "version": 1,
          "name": { "zh-CN": "基准循环", "en": "Benchmark loop" },
          "inputs": [ { "name": "key", "type": "string", "required": true } ],
          "variables": [ { "name": "count", "type": "number", "default": 0 } ],
          "activities": [
            { "id": "start", "type": "Start" },
            { "id": "wait", "type": "WaitForMessage", "messageType": "tick", "correlation": "vars.key" },
            { "id": "count", "type": "SetVariable", "variable": "count", "value": "vars.count + 1" },
            { "id": "more", "type": "Decision", "condition": "vars.count < 1000000000" },
            { "id": "end", "type": "End" }
          ],
          "connections": [
            { "from": "start", "port": "done", "to": "wait" },
            { "from": "wait", "port": "done", "to": "count" },
            { "from": "count", "port": "done", "to": "more" },
            { "from": "more", "port": "true", "to": "wait" },
            { "from": "more", "port": "false", "to": "end" }
          ]
        }
        """;

    public static async Task<Measurement> RunAsync(Target target, int workers, TimeSpan warmUp, TimeSpan duration)
    {
        if (target.Provider == "memory")
        {
            return await MeasureAsync(new InMemoryWorkflowStore(), workers, warmUp, duration, "workflow step, in-memory store (runtime alone)");
        }

        var options = target.Provider == "sqlite"
            ? SqliteOptions(target)
            : new DbContextOptionsBuilder<BenchDbContext>().UseNpgsql(target.ConnectionString).Options;
        await using (var db = new BenchDbContext(options))
        {
            await db.Database.EnsureDeletedAsync();
            await db.Database.EnsureCreatedAsync();
            if (target.Provider == "sqlite")
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }
        }

        var factory = new PooledDbContextFactory<BenchDbContext>(options);
        return await MeasureAsync(TimingStore.Wrap(new EfWorkflowStore<BenchDbContext>(factory)), workers, warmUp, duration, "workflow step (resume + commit)");
    }

    /// <summary>SQLite in WAL mode (set once, it is persistent); synchronous is per connection, so a non-default level is set on each one EF opens.</summary>
    private static DbContextOptions<BenchDbContext> SqliteOptions(Target target)
    {
        var builder = new DbContextOptionsBuilder<BenchDbContext>().UseSqlite(target.ConnectionString);
        if (target.Synchronous != "FULL")
        {
            builder.AddInterceptors(new SqlitePragmaInterceptor($"PRAGMA synchronous={target.Synchronous};"));
        }

        return builder.Options;
    }

    private static async Task<Measurement> MeasureAsync(IWorkflowStore store, int workers, TimeSpan warmUp, TimeSpan duration, string name)
    {
        var registry = new DefinitionRegistry();
        var (definition, errors) = DefinitionLoader.Parse(LoopFlow, "bench-loop.json");
        if (definition is null)
        {
            throw new InvalidOperationException(string.Join("; ", errors));
        }

        registry.TryAdd(definition);
        // The sandbox time limit is raised: this measures persistence, and a starved shared machine must not fault an activity.
        var options = new WorkflowRuntimeOptions { Sandbox = new Alliance.Workflows.Expressions.SandboxLimits { Timeout = TimeSpan.FromSeconds(10) } };
        var runtime = new WorkflowRuntime(registry, store, new InMemoryWorkflowScheduler(TimeProvider.System), TimeProvider.System, options);

        var keys = new string[workers];
        for (var w = 0; w < workers; w++)
        {
            keys[w] = $"bench-{w}-{Guid.NewGuid():N}";
            await runtime.StartAsync("bench-loop", new JsonObject { ["key"] = keys[w] });
        }

        return await Loop.RunAsync(name, workers, warmUp, duration, w => async () =>
        {
            var result = await runtime.DeliverAsync(new Stimulus(StimulusId.New(), "tick", keys[w]));
            if (result.Status != DeliveryStatus.Applied)
            {
                throw new InvalidOperationException($"step was {result.Status} (an expression over its time limit on a starved machine faults the activity)");
            }
        });
    }
}
