using System.Text.Json.Nodes;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Expressions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace Alliance.Workflows.Tests.Support;

/// <summary>A runtime over a store, with a fake clock and an in-memory scheduler. <see cref="Restart"/> simulates a new process.</summary>
internal sealed class RuntimeHarness
{
    public RuntimeHarness(IWorkflowStore? store = null, WorkflowRuntimeOptions? options = null, params WorkflowDefinition[] definitions)
    {
        Store = store ?? new InMemoryWorkflowStore();

        // Tests run in parallel on a shared 2-core machine: a legitimate expression must not hit the 100 ms limit
        // because the CPU was busy. The limits themselves are tested in SandboxTests.
        Options = options ?? TestOptions;
        foreach (var definition in definitions)
        {
            Registry.TryAdd(definition);
        }

        Scheduler = new InMemoryWorkflowScheduler(Time);
        Runtime = new WorkflowRuntime(Registry, Store, Scheduler, Time, Options);
    }

    /// <summary>The runtime options of tests: a generous expression time limit (see the constructor).</summary>
    public static WorkflowRuntimeOptions TestOptions { get; } = new() { Sandbox = new SandboxLimits { Timeout = TimeSpan.FromSeconds(5) } };

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));

    public DefinitionRegistry Registry { get; } = new();

    public IWorkflowStore Store { get; }

    public WorkflowRuntimeOptions? Options { get; }

    public InMemoryWorkflowScheduler Scheduler { get; private set; }

    public WorkflowRuntime Runtime { get; private set; }

    public static Actor Person(string id, string role = "member", string? organisation = null) => new(id, [role], organisation);

    /// <summary>A new runtime and an empty scheduler over the same store and clock, as after a process restart.</summary>
    public void Restart()
    {
        Scheduler = new InMemoryWorkflowScheduler(Time);
        Runtime = new WorkflowRuntime(Registry, Store, Scheduler, Time, Options);
    }

    public Task<InstanceId> StartAsync(WorkflowDefinition definition, JsonObject? input = null)
    {
        Registry.TryAdd(definition);
        return Runtime.StartAsync(definition.Id, input, version: definition.Version);
    }

    /// <summary>Moves the clock and fires whatever is due.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await Scheduler.FireDueAsync(Runtime);
    }

    public async Task<WorkflowInstance> InstanceAsync(InstanceId id) => (await Store.FindInstanceAsync(id))!;

    public async Task<IReadOnlyList<Bookmark>> BookmarksAsync(InstanceId id) => await Store.GetBookmarksAsync(id);

    public async Task<Bookmark> TaskAsync(InstanceId id, string activityId, string? item = null) =>
        (await Store.GetBookmarksAsync(id)).Single(b => b.Kind == BookmarkKind.HumanTask && b.ActivityId == activityId && (item is null || b.Item == item));

    public async Task<IReadOnlyList<string>> PathAsync(InstanceId id) =>
        [.. (await Store.GetJournalAsync(id)).Where(j => j.Kind == JournalKind.Executed).Select(j => j.ActivityId)];

    public Task<DeliveryResult> SendAsync(string type, string key, JsonNode? payload = null, string? stimulusId = null) =>
        Runtime.DeliverAsync(new Stimulus(stimulusId is null ? StimulusId.New() : new StimulusId(stimulusId), type, key, payload));
}
