using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Visualisation;

namespace Alliance.Workflows.Runtime;

/// <summary>Operator actions: incidents, retry, cancel, migration, and the Mermaid view of an instance.</summary>
public sealed partial class WorkflowRuntime
{
    public Task<IReadOnlyList<Incident>> GetIncidentsAsync(InstanceId id, CancellationToken cancellationToken = default) =>
        _store.GetIncidentsAsync(id, cancellationToken);

    /// <summary>Operator retry: re-executes every faulted activity of the instance now; its open incidents are resolved.</summary>
    public async Task RetryAsync(InstanceId id, Actor operatorActor, CommitContext? context = null, CancellationToken cancellationToken = default)
    {
        var incidents = await _store.GetIncidentsAsync(id, cancellationToken);
        await MutateAsync(id, operatorActor, execution =>
        {
            if (execution.Instance.State.Faulted.Count == 0)
            {
                throw new WorkflowConflictException(new WorkflowConflict(ConflictCode.NotFaulted, "流程没有故障", "The instance has no faulted activity"));
            }

            foreach (var incident in incidents.Where(i => i.ResolvedUtc is null))
            {
                incident.ResolvedUtc = UtcNow;
                execution.Commit.UpdatedIncidents.Add(incident);
            }

            execution.RetryFaulted();
            return ValueTask.FromResult(Changed(true));
        }, context, cancellationToken);
    }

    /// <summary>Cancels an instance: every wait is removed and a waiting parent is told.</summary>
    public Task CancelAsync(InstanceId id, Actor operatorActor, string? reason = null, CommitContext? context = null, CancellationToken cancellationToken = default) =>
        CancelCoreAsync(id, operatorActor, reason, notifyParent: true, context, cancellationToken);

    private Task<bool> CancelCoreAsync(InstanceId id, Actor operatorActor, string? reason, bool notifyParent, CommitContext? context, CancellationToken cancellationToken) =>
        MutateAsync(id, operatorActor, execution =>
        {
            if (execution.Instance.IsClosed)
            {
                throw new WorkflowConflictException(new WorkflowConflict(ConflictCode.InstanceClosed, "流程已结束", $"The workflow instance is {execution.Instance.Status}"));
            }

            execution.Instance.ParentWaits &= notifyParent;
            execution.Close(InstanceStatus.Cancelled);
            execution.Commit.Journal.Add(new JournalEntry
            {
                Id = NewIds.Version7(),
                InstanceId = id,
                ActivityId = "",
                Kind = JournalKind.Operator,
                ActivityType = "Operator",
                Actor = operatorActor.Id,
                Outcome = "cancelled",
                Detail = reason,
                AtUtc = UtcNow,
                Sequence = CommitBuilder.NextSequence(),
            });
            return ValueTask.FromResult(Changed(true));
        }, context, cancellationToken);

    /// <summary>
    /// Moves a running instance to another version of its definition. <paramref name="activityMap"/> maps old activity
    /// ids to new ones (unmapped ids stay the same). Refused, with reasons and no change, when a waiting bookmark, join,
    /// collector or faulted activity would be orphaned.
    /// </summary>
    public Task<MigrationResult> MigrateAsync(
        InstanceId id, int targetVersion, IReadOnlyDictionary<string, string>? activityMap = null, Actor? operatorActor = null, CommitContext? context = null,
        CancellationToken cancellationToken = default) =>
        MutateAsync(id, operatorActor ?? Actor.System, execution =>
        {
            var instance = execution.Instance;
            if (instance.IsClosed)
            {
                return ValueTask.FromResult(Unchanged(MigrationResult.Refused($"the instance is {instance.Status}")));
            }

            var target = _services.Definitions.Find(instance.DefinitionId, targetVersion);
            if (target is null)
            {
                return ValueTask.FromResult(Unchanged(MigrationResult.Refused($"{instance.DefinitionId} has no version {targetVersion}")));
            }

            var migration = new InstanceMigration(execution.Definition, target, activityMap ?? new Dictionary<string, string>());
            var reasons = migration.Check(instance, execution.Bookmarks);
            if (reasons.Count > 0)
            {
                return ValueTask.FromResult(Unchanged(new MigrationResult(false, reasons)));
            }

            migration.Apply(instance, execution.Bookmarks, execution.UpdateBookmark);
            execution.Commit.Journal.Add(new JournalEntry
            {
                Id = NewIds.Version7(),
                InstanceId = id,
                ActivityId = "",
                Kind = JournalKind.Operator,
                ActivityType = "Migration",
                Actor = execution.Actor.Id,
                Outcome = $"migrated v{execution.Definition.Version} -> v{targetVersion}",
                AtUtc = UtcNow,
                Sequence = CommitBuilder.NextSequence(),
            });
            return ValueTask.FromResult(Changed(new MigrationResult(true, [])));
        }, context, cancellationToken);

    /// <summary>The instance's definition as a Mermaid flowchart with its path and current position highlighted.</summary>
    public async Task<string> ExportMermaidAsync(InstanceId id, CancellationToken cancellationToken = default)
    {
        var (definition, highlight) = await PositionAsync(id, cancellationToken);
        return MermaidExporter.Export(definition, highlight);
    }

    /// <summary>The instance's route as its people read it (<see cref="RouteMap"/>): its steps in order, visited, current or ahead.</summary>
    public async Task<IReadOnlyList<RouteStep>> RouteMapAsync(InstanceId id, CancellationToken cancellationToken = default)
    {
        var (definition, highlight) = await PositionAsync(id, cancellationToken);
        return RouteMap(definition, highlight);
    }

    /// <summary>Both views of the instance's position from one read of the instance and its bookmarks.</summary>
    public async Task<(string Mermaid, IReadOnlyList<RouteStep> Steps)> ExportRouteAsync(InstanceId id, CancellationToken cancellationToken = default)
    {
        var (definition, highlight) = await PositionAsync(id, cancellationToken);
        return (MermaidExporter.Export(definition, highlight), RouteMap(definition, highlight));
    }

    private IReadOnlyList<RouteStep> RouteMap(WorkflowDefinition definition, InstanceHighlight highlight) =>
        Visualisation.RouteMap.Build(definition, highlight, workflow => _services.Definitions.Latest(workflow)?.Name);

    /// <summary>The instance's definition, the activities it passed and those it waits at now (its bookmarks).</summary>
    private async Task<(WorkflowDefinition Definition, InstanceHighlight Highlight)> PositionAsync(InstanceId id, CancellationToken cancellationToken)
    {
        var instance = await _store.FindInstanceAsync(id, cancellationToken)
            ?? throw new WorkflowConflictException(new WorkflowConflict(ConflictCode.NotFound, "流程实例不存在", $"No workflow instance {id}"));
        var bookmarks = await _store.GetBookmarksAsync(id, cancellationToken);
        var definition = _services.Definitions.Find(instance.DefinitionId, instance.DefinitionVersion)
            ?? throw new InvalidOperationException($"definition {instance.DefinitionKey} is not loaded");
        return (definition, new InstanceHighlight(instance.State.Visited, [.. bookmarks.Select(b => b.ActivityId)]));
    }
}

/// <summary>The result of a migration: done, or refused with reasons.</summary>
public sealed record MigrationResult(bool Migrated, IReadOnlyList<string> Reasons)
{
    public static MigrationResult Refused(string reason) => new(false, [reason]);
}
