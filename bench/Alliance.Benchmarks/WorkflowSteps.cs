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

    public static async Task<Measurement> RunAsync(Target target, int workers, TimeSpan duration)
    {
        if (target.Provider == "memory")
        {
            return await MeasureAsync(new InMemoryWorkflowStore(), workers, duration, "workflow step, in-memory store (runtime alone)");
        }

        var options = target.Provider == "sqlite"
            ? new DbContextOptionsBuilder<BenchDbContext>().UseSqlite(target.ConnectionString).Options
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
        return await MeasureAsync(new EfWorkflowStore<BenchDbContext>(factory), workers, duration, "workflow step (resume + commit)");
    }

    private static async Task<Measurement> MeasureAsync(IWorkflowStore store, int workers, TimeSpan duration, string name)
    {
        var registry = new DefinitionRegistry();
        var (definition, errors) = DefinitionLoader.Parse(LoopFlow, "bench-loop.json");
        if (definition is null)
        {
            throw new InvalidOperationException(string.Join("; ", errors));
        }

        registry.TryAdd(definition);
        var runtime = new WorkflowRuntime(registry, store, new InMemoryWorkflowScheduler(TimeProvider.System), TimeProvider.System);

        var keys = new string[workers];
        for (var w = 0; w < workers; w++)
        {
            keys[w] = $"bench-{w}-{Guid.NewGuid():N}";
            await runtime.StartAsync("bench-loop", new JsonObject { ["key"] = keys[w] });
        }

        // Warm-up: one step per worker, outside the measurement.
        foreach (var key in keys)
        {
            await runtime.DeliverAsync(new Stimulus(StimulusId.New(), "tick", key));
        }

        var latencies = new List<double>[workers];
        var stop = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            latencies[w] = [];
            while (stop.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                var result = await runtime.DeliverAsync(new Stimulus(StimulusId.New(), "tick", keys[w]));
                if (result.Status != DeliveryStatus.Applied)
                {
                    throw new InvalidOperationException($"step was {result.Status}");
                }

                latencies[w].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var all = latencies.SelectMany(l => l).ToArray();
        return new Measurement(name, workers, all.Length, stop.Elapsed, all);
    }
}
