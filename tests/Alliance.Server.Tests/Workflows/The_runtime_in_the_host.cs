using Alliance.Server.Tests.Infrastructure;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Workflows;

/// <summary>A host on the real clock, so that Hangfire's own scheduling is what fires the timers.</summary>
public sealed class RealClockAppFactory : AllianceAppFactory
{
    protected override bool FakeTime => false;

    protected override bool DemoData => false;
}

/// <summary>The runtime's ports plugged into the host: EF store, Hangfire timers, outbox to the bus.</summary>
public sealed class The_runtime_in_the_host(RealClockAppFactory app) : IClassFixture<RealClockAppFactory>
{
    private const string TimerFlow = """
        {
          "id": "host-timer", "version": 1,
          "name": { "zh-CN": "计时测试", "en": "Timer test" },
          "activities": [
            { "id": "start", "type": "Start" },
            { "id": "wait", "type": "Timer", "duration": "PT2S" },
            { "id": "tell", "type": "Publish", "messageType": "TimerElapsed", "payload": "({ ok: true })" },
            { "id": "end", "type": "End" }
          ],
          "connections": [
            { "from": "start", "port": "done", "to": "wait" },
            { "from": "wait", "port": "done", "to": "tell" },
            { "from": "tell", "port": "done", "to": "end" }
          ]
        }
        """;

    [Fact]
    public void The_definitions_in_the_workflows_folder_are_loaded()
    {
        var registry = app.Services.GetRequiredService<DefinitionRegistry>();
        Assert.NotNull(registry.Latest("sample-review"));
    }

    [Fact]
    public async Task A_timer_fires_through_hangfire_never_early_and_at_most_2_seconds_late()
    {
        var runtime = Runtime();
        var started = DateTime.UtcNow;
        var id = await runtime.StartAsync("host-timer");

        var instance = await WaitForAsync(runtime, id, i => i.Status == InstanceStatus.Completed, TimeSpan.FromSeconds(30));
        var journal = await runtime.GetJournalAsync(id);
        var fired = journal.Single(j => j.ActivityId == "tell").AtUtc;
        Assert.True(fired >= started.AddSeconds(2), $"fired early: {fired:O} < {started.AddSeconds(2):O}");
        Assert.True(fired <= started.AddSeconds(2 + 2 + 1), $"fired late: {(fired - started).TotalSeconds:F1} s after start");
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Committed_outbox_messages_are_published_and_marked_dispatched()
    {
        var runtime = Runtime();
        var id = await runtime.StartAsync("host-timer");
        await WaitForAsync(runtime, id, i => i.Status == InstanceStatus.Completed, TimeSpan.FromSeconds(30));

        var store = app.Services.GetRequiredService<IWorkflowStore>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        IReadOnlyList<OutboxMessage> left;
        do
        {
            left = [.. (await store.GetUndispatchedAsync(1000)).Where(o => o.InstanceId == id)];
            await Task.Delay(100);
        }
        while (left.Count > 0 && DateTime.UtcNow < deadline);
        Assert.Empty(left);
    }

    private WorkflowRuntime Runtime()
    {
        var registry = app.Services.GetRequiredService<DefinitionRegistry>();
        if (registry.Find("host-timer", 1) is null)
        {
            var (definition, errors) = DefinitionLoader.Parse(TimerFlow, "host-timer.json");
            Assert.True(definition is not null, string.Join("; ", errors));
            registry.TryAdd(definition!);
        }

        return app.Services.GetRequiredService<WorkflowRuntime>();
    }

    private static async Task<WorkflowInstance> WaitForAsync(WorkflowRuntime runtime, Alliance.Workflows.InstanceId id, Func<WorkflowInstance, bool> done, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var instance = await runtime.GetInstanceAsync(id) ?? throw new InvalidOperationException("instance vanished");
            if (done(instance) || DateTime.UtcNow > deadline)
            {
                return instance;
            }

            await Task.Delay(100);
        }
    }

}
