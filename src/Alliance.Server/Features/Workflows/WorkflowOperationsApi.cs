using System.Text.Json.Nodes;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Server.Infrastructure.Workflows;
using Alliance.Workflows;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Visualisation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Workflows;

/// <summary>
/// The operator's view of the runtime (district administrators): definitions and the files that failed to load,
/// diagrams, instances with their bookmarks, journal and incidents, retry and cancel of faulted instances,
/// version migration, and the dead letters of early stimuli.
/// </summary>
public static class WorkflowOperationsApi
{
    public static IEndpointRouteBuilder MapWorkflowOperationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/workflows").WithTags("Workflow operations").RequireAuthorization();
        api.MapGet("/definitions", Definitions).WithName("ListWorkflowDefinitions")
            .WithSummary("Live definitions and the files that failed validation / 已加载的流程定义及校验失败的文件");
        api.MapGet("/definitions/{id}/{version:int}/diagram", DefinitionDiagram).WithName("GetWorkflowDefinitionDiagram")
            .WithSummary("A definition as a Mermaid flowchart / 流程定义的 Mermaid 流程图");
        api.MapGet("/instances/{id:guid}", Instance).WithName("GetWorkflowInstance")
            .WithSummary("An instance with its bookmarks, journal and incidents / 流程实例详情");
        api.MapGet("/instances/{id:guid}/diagram", InstanceDiagram).WithName("GetWorkflowInstanceDiagram")
            .WithSummary("The instance's path and position as a Mermaid flowchart / 实例路径与当前位置");
        api.MapPost("/instances/{id:guid}/retry", Retry).WithName("RetryWorkflowInstance")
            .WithSummary("Retry a faulted instance / 重试故障实例");
        api.MapPost("/instances/{id:guid}/cancel", Cancel).WithName("CancelWorkflowInstance")
            .WithSummary("Cancel an instance / 取消流程实例");
        api.MapPost("/instances/{id:guid}/migrate", Migrate).WithName("MigrateWorkflowInstance")
            .WithSummary("Move an instance to another version with an activity-id map / 迁移实例到新版本");
        api.MapGet("/dead-letters", DeadLetters).WithName("ListWorkflowDeadLetters")
            .WithSummary("Early stimuli whose time-to-live passed / 超时未匹配的消息");
        api.MapPost("/dead-letters/{stimulusId}/replay", Replay).WithName("ReplayWorkflowDeadLetter")
            .WithSummary("Deliver a dead letter again / 重新投递");
        return app;
    }

    public sealed record DefinitionSummary(string Id, int Version, string NameZh, string NameEn, bool Published);

    public sealed record DefinitionFailure(string File, string Path, string Code, string Message);

    public sealed record DefinitionsResponse(string Folder, IReadOnlyList<DefinitionSummary> Live, IReadOnlyList<DefinitionFailure> Failed);

    public sealed record BookmarkView(Guid Id, string ActivityId, string Kind, string? StimulusType, string? CorrelationKey, DateTime? DueUtc);

    public sealed record InstanceResponse(
        Guid Id, string Definition, string Status, string? BusinessStatus, JsonObject Variables,
        IReadOnlyList<BookmarkView> Bookmarks, IReadOnlyList<JournalEntry> Journal, IReadOnlyList<Incident> Incidents);

    public sealed record CancelRequest(string? Reason);

    public sealed record MigrateRequest(int TargetVersion, Dictionary<string, string>? ActivityMap);

    public static Ok<DefinitionsResponse> Definitions(AccessScope scope, WorkflowCatalog catalog)
    {
        scope.DemandDistrictAdmin();
        var live = catalog.Registry.All.Select(d => new DefinitionSummary(d.Id, d.Version, d.Name.ZhCn, d.Name.En, d.Published)).ToList();
        var failed = catalog.Errors.Select(e => new DefinitionFailure(e.File, e.Path, e.Code, e.Message)).ToList();
        return TypedResults.Ok(new DefinitionsResponse(catalog.Folder, live, failed));
    }

    public static Ok<string> DefinitionDiagram(string id, int version, AccessScope scope, WorkflowCatalog catalog)
    {
        scope.DemandDistrictAdmin();
        var definition = catalog.Registry.Find(id, version) ?? throw new NotFoundProblem(new BilingualText("流程定义", "workflow definition"));
        return TypedResults.Ok(MermaidExporter.Export(definition));
    }

    public static async Task<Ok<InstanceResponse>> Instance(Guid id, AccessScope scope, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        scope.DemandDistrictAdmin();
        var instanceId = new InstanceId(id);
        var instance = await runtime.GetInstanceAsync(instanceId, cancellationToken) ?? throw new NotFoundProblem(new BilingualText("流程实例", "workflow instance"));
        var bookmarks = await runtime.Store.GetBookmarksAsync(instanceId, cancellationToken);
        return TypedResults.Ok(new InstanceResponse(
            id, instance.DefinitionKey.ToString(), instance.Status.ToString(), instance.BusinessStatus, instance.Variables,
            [.. bookmarks.Select(b => new BookmarkView(b.Id.Value, b.ActivityId, b.Kind.ToString(), b.StimulusType, b.CorrelationKey, b.DueUtc))],
            await runtime.GetJournalAsync(instanceId, cancellationToken),
            await runtime.GetIncidentsAsync(instanceId, cancellationToken)));
    }

    public static async Task<Ok<string>> InstanceDiagram(Guid id, AccessScope scope, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        scope.DemandDistrictAdmin();
        return TypedResults.Ok(await runtime.ExportMermaidAsync(new InstanceId(id), cancellationToken));
    }

    public static async Task<NoContent> Retry(Guid id, AccessScope scope, WorkflowRuntime runtime, AllianceDbContext db, ItemSync sync, CancellationToken cancellationToken)
    {
        scope.DemandDistrictAdmin();
        await OnItemAsync(id, "workflow.retried", scope, db, sync, context => runtime.RetryAsync(new InstanceId(id), Operator(scope), context, cancellationToken), cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> Cancel(Guid id, CancelRequest? request, AccessScope scope, WorkflowRuntime runtime, AllianceDbContext db, ItemSync sync, CancellationToken cancellationToken)
    {
        scope.DemandDistrictAdmin();
        await OnItemAsync(id, "workflow.cancelled", scope, db, sync, context => runtime.CancelAsync(new InstanceId(id), Operator(scope), request?.Reason, context, cancellationToken), cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<MigrationResult>> Migrate(
        Guid id, MigrateRequest request, AccessScope scope, WorkflowRuntime runtime, AllianceDbContext db, ItemSync sync, CancellationToken cancellationToken)
    {
        scope.DemandDistrictAdmin();
        MigrationResult result = null!;
        await OnItemAsync(id, "workflow.migrated", scope, db, sync,
            async context => result = await runtime.MigrateAsync(new InstanceId(id), request.TargetVersion, request.ActivityMap, Operator(scope), context, cancellationToken), cancellationToken);
        return result.Migrated
            ? TypedResults.Ok(result)
            : throw new ConflictProblem("workflow.migration-refused", new BilingualText(
                "无法迁移：" + string.Join("；", result.Reasons), "Migration refused: " + string.Join("; ", result.Reasons)));
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

    public static async Task<Ok<IReadOnlyList<PendingStimulus>>> DeadLetters(AccessScope scope, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        scope.DemandDistrictAdmin();
        return TypedResults.Ok(await runtime.ListDeadLettersAsync(cancellationToken));
    }

    public static async Task<Ok<DeliveryResult>> Replay(string stimulusId, AccessScope scope, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        scope.DemandDistrictAdmin();
        return TypedResults.Ok(await runtime.ReplayDeadLetterAsync(stimulusId, cancellationToken));
    }

    private static Actor Operator(AccessScope scope) => new(scope.UserId?.ToString() ?? "operator", ["DistrictAdmin"]);
}
