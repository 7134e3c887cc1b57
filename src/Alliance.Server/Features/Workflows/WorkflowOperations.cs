using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Server.Infrastructure.Workflows;
using Alliance.Workflows;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Visualisation;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Workflows.WorkflowOperationsApi;

namespace Alliance.Server.Features.Workflows;

/// <summary>
/// The operator's work on the runtime, the code both <c>/api/workflows</c> and the web UI's 流程运维 pages run;
/// district administrators only (403 otherwise): definitions and the files that failed to load, a definition's route
/// and diagram, an instance with its bookmarks, journal and incidents, retry, cancel and migration of an instance
/// (recorded on its item when it is an item's route), and the dead letters of early stimuli with their replay.
/// </summary>
public static class WorkflowOperations
{
    public static readonly BilingualText DefinitionThing = new("流程定义", "workflow definition");

    public static readonly BilingualText InstanceThing = new("流程实例", "workflow instance");

    public static DefinitionsResponse Definitions(AccessScope scope, WorkflowCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(catalog);
        scope.DemandDistrictAdmin();
        var live = catalog.Registry.All.Select(d => new DefinitionSummary(d.Id, d.Version, d.Name.ZhCn, d.Name.En, d.Published)).ToList();
        var failed = catalog.Errors.Select(e => new DefinitionFailure(e.File, e.Path, e.Code, e.Message)).ToList();
        return new DefinitionsResponse(catalog.Folder, live, failed);
    }

    /// <summary>A definition (404 if the catalog has no such id and version).</summary>
    public static WorkflowDefinition Definition(AccessScope scope, WorkflowCatalog catalog, string id, int version)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(catalog);
        scope.DemandDistrictAdmin();
        return catalog.Registry.Find(id, version) ?? throw new NotFoundProblem(DefinitionThing);
    }

    public static string DefinitionDiagram(AccessScope scope, WorkflowCatalog catalog, string id, int version) =>
        MermaidExporter.Export(Definition(scope, catalog, id, version));

    /// <summary>A definition's route as people read it (<see cref="RouteMap"/>), every step ahead.</summary>
    public static IReadOnlyList<RouteStep> DefinitionRoute(AccessScope scope, WorkflowCatalog catalog, string id, int version) =>
        RouteMap.Build(Definition(scope, catalog, id, version), new InstanceHighlight([], []), workflow => catalog.Registry.Latest(workflow)?.Name);

    public static async Task<InstanceResponse> InstanceAsync(AccessScope scope, WorkflowRuntime runtime, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(runtime);
        scope.DemandDistrictAdmin();
        var instanceId = new InstanceId(id);
        var instance = await runtime.GetInstanceAsync(instanceId, cancellationToken) ?? throw new NotFoundProblem(InstanceThing);
        var bookmarks = await runtime.Store.GetBookmarksAsync(instanceId, cancellationToken);
        return new InstanceResponse(
            id, instance.DefinitionKey.ToString(), instance.Status.ToString(), instance.BusinessStatus, instance.Variables,
            [.. bookmarks.Select(b => new BookmarkView(b.Id.Value, b.ActivityId, b.Kind.ToString(), b.StimulusType, b.CorrelationKey, b.DueUtc))],
            await runtime.GetJournalAsync(instanceId, cancellationToken),
            await runtime.GetIncidentsAsync(instanceId, cancellationToken));
    }

    public static async Task<string> InstanceDiagramAsync(AccessScope scope, WorkflowRuntime runtime, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(runtime);
        scope.DemandDistrictAdmin();
        return await runtime.ExportMermaidAsync(new InstanceId(id), cancellationToken);
    }

    /// <summary>The instance's route with its path and position (404 for an unknown instance).</summary>
    public static async Task<IReadOnlyList<RouteStep>> InstanceRouteAsync(AccessScope scope, WorkflowRuntime runtime, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(runtime);
        scope.DemandDistrictAdmin();
        _ = await runtime.GetInstanceAsync(new InstanceId(id), cancellationToken) ?? throw new NotFoundProblem(InstanceThing);
        return await runtime.RouteMapAsync(new InstanceId(id), cancellationToken);
    }

    public static async Task RetryAsync(AccessScope scope, WorkflowRuntime runtime, AllianceDbContext db, ItemSync sync, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(runtime);
        scope.DemandDistrictAdmin();
        await OnItemAsync(id, "workflow.retried", scope, db, sync, context => runtime.RetryAsync(new InstanceId(id), Operator(scope), context, cancellationToken), cancellationToken);
    }

    public static async Task CancelAsync(
        AccessScope scope, WorkflowRuntime runtime, AllianceDbContext db, ItemSync sync, Guid id, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(runtime);
        scope.DemandDistrictAdmin();
        await OnItemAsync(id, "workflow.cancelled", scope, db, sync, context => runtime.CancelAsync(new InstanceId(id), Operator(scope), reason, context, cancellationToken), cancellationToken);
    }

    public static async Task<MigrationResult> MigrateAsync(
        AccessScope scope, WorkflowRuntime runtime, AllianceDbContext db, ItemSync sync, Guid id, MigrateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(request);
        scope.DemandDistrictAdmin();
        MigrationResult result = null!;
        await OnItemAsync(id, "workflow.migrated", scope, db, sync,
            async context => result = await runtime.MigrateAsync(new InstanceId(id), request.TargetVersion, request.ActivityMap, Operator(scope), context, cancellationToken), cancellationToken);
        return result.Migrated
            ? result
            : throw new ConflictProblem("workflow.migration-refused", new BilingualText(
                "无法迁移：" + string.Join("；", result.Reasons), "Migration refused: " + string.Join("; ", result.Reasons)));
    }

    /// <summary>
    /// What a migration of the instance can choose from (404 for an unknown instance): the other published versions of its
    /// definition, newest first, each with its activity ids, and the steps the instance holds now (where it waits and what
    /// faulted), the ids an activity map must place in the target.
    /// </summary>
    public static async Task<MigrationChoices> MigrationChoicesAsync(AccessScope scope, WorkflowRuntime runtime, WorkflowCatalog catalog, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(catalog);
        scope.DemandDistrictAdmin();
        var instanceId = new InstanceId(id);
        var instance = await runtime.GetInstanceAsync(instanceId, cancellationToken) ?? throw new NotFoundProblem(InstanceThing);
        var bookmarks = await runtime.Store.GetBookmarksAsync(instanceId, cancellationToken);
        var held = bookmarks.Select(b => b.ActivityId).Concat(instance.State.Faulted.Select(f => f.ActivityId)).Distinct(StringComparer.Ordinal).ToList();
        var targets = catalog.Registry.All
            .Where(d => d.Id == instance.DefinitionId && d.Published && d.Version != instance.DefinitionVersion)
            .OrderByDescending(d => d.Version)
            .Select(d => new MigrationTarget(d.Version, [.. d.Activities.Select(a => a.Id)]))
            .ToList();
        return new MigrationChoices(instance.DefinitionId, instance.DefinitionVersion, held, targets);
    }

    public static async Task<IReadOnlyList<PendingStimulus>> DeadLettersAsync(AccessScope scope, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(runtime);
        scope.DemandDistrictAdmin();
        return await runtime.ListDeadLettersAsync(cancellationToken);
    }

    public static async Task<DeliveryResult> ReplayAsync(AccessScope scope, WorkflowRuntime runtime, string stimulusId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(runtime);
        scope.DemandDistrictAdmin();
        return await runtime.ReplayDeadLetterAsync(stimulusId, cancellationToken);
    }

    /// <summary>
    /// An operator's action on an instance that is an item's route: the item's projection in the runtime's commit records
    /// it under the operator's name (<see cref="ItemCommand"/>); on any other instance the call runs as it is.
    /// </summary>
    private static async Task OnItemAsync(Guid instanceId, string action, AccessScope scope, AllianceDbContext db, ItemSync sync, Func<CommitContext?, Task> call, CancellationToken cancellationToken)
    {
        var item = await db.Set<Item>().AsNoTracking().Where(i => i.WorkflowInstanceId == instanceId).Select(i => (ItemId?)i.Id).SingleOrDefaultAsync(cancellationToken);
        if (item is not { } itemId)
        {
            await call(null);
            return;
        }

        await sync.ActAsync(new ItemCommand { ItemId = itemId, Name = action, Actor = scope.UserId?.ToString(), Scope = scope }, context => call(context), cancellationToken);
    }

    private static Actor Operator(AccessScope scope) => new(scope.UserId?.ToString() ?? "operator", ["DistrictAdmin"]);
}
