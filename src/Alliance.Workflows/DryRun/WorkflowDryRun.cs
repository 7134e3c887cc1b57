using System.Text.Json.Nodes;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Scheduling;

namespace Alliance.Workflows.DryRun;

/// <summary>The outcome of a dry run: the activities executed in order (from the journal), the final status and variables, and what went to the outbox.</summary>
public sealed record DryRunResult(
    IReadOnlyList<string> Path,
    InstanceStatus Status,
    string? BusinessStatus,
    JsonObject Variables,
    IReadOnlyList<JournalEntry> Journal,
    IReadOnlyList<OutboxMessage> Outbox,
    IReadOnlyList<string> Problems);

/// <summary>Runs a definition entirely in memory, on its own clock, against a scripted list of stimuli.</summary>
public static class WorkflowDryRun
{
    public static async Task<DryRunResult> RunAsync(WorkflowDefinition definition, JsonObject? input, IEnumerable<DryRunStep> script, DefinitionRegistry? others = null, DateTimeOffset? startAt = null, WorkflowRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(script);
        var registry = new DefinitionRegistry();
        foreach (var other in others?.All ?? [])
        {
            registry.TryAdd(other);
        }

        registry.TryAdd(definition);
        var clock = new ManualClock(startAt ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new InMemoryWorkflowStore();
        var scheduler = new InMemoryWorkflowScheduler(clock);
        var runtime = new WorkflowRuntime(registry, store, scheduler, clock, options);
        var problems = new List<string>();
        var id = await runtime.StartAsync(definition.Id, input, version: definition.Version);
        foreach (var step in script)
        {
            try
            {
                await ApplyAsync(runtime, store, scheduler, clock, id, step);
            }
            catch (WorkflowConflictException ex)
            {
                problems.Add($"{step}: {ex.Conflict.MessageEn}");
            }
        }

        var instance = (await store.FindInstanceAsync(id))!;
        var journal = await store.GetJournalAsync(id);
        var path = journal.Where(j => j.Kind == JournalKind.Executed).Select(j => j.ActivityId).ToList();
        return new DryRunResult(path, instance.Status, instance.BusinessStatus, instance.Variables, journal, store.Outbox, problems);
    }

    private static async Task ApplyAsync(WorkflowRuntime runtime, InMemoryWorkflowStore store, InMemoryWorkflowScheduler scheduler, ManualClock clock, InstanceId id, DryRunStep step)
    {
        switch (step)
        {
            case SendMessage message:
                await runtime.DeliverAsync(new Stimulus(StimulusId.New(), message.Type, message.CorrelationKey, message.Payload));
                break;
            case CompleteTask complete:
                var task = (await store.GetBookmarksAsync(id)).FirstOrDefault(b => b.Kind == BookmarkKind.HumanTask && b.ActivityId == complete.ActivityId && (complete.Item is null || b.Item == complete.Item))
                    ?? throw new WorkflowConflictException(new WorkflowConflict(ConflictCode.TaskClosed, "没有待办任务", $"no open task at '{complete.ActivityId}'"));
                var actor = new Actor(task.ClaimedBy ?? complete.ActorId, [task.CandidateRole ?? ""], task.CandidateOrganisation);
                await runtime.CompleteAsync(task.Id, actor, complete.Outcome, null, complete.Fields);
                break;
            case CastVote vote:
                var open = (await store.GetBookmarksAsync(id)).FirstOrDefault(b => b.Kind == BookmarkKind.Vote && b.ActivityId == vote.ActivityId)
                    ?? throw new WorkflowConflictException(new WorkflowConflict(ConflictCode.TaskClosed, "没有进行中的表决", $"no open vote at '{vote.ActivityId}'"));
                await runtime.CastVoteAsync(open.Id, new Actor(vote.Voter, []), vote.Choice);
                break;
            case AdvanceTime advance:
                clock.Advance(advance.By);
                await scheduler.FireDueAsync(runtime);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step, "unknown dry-run step");
        }
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
