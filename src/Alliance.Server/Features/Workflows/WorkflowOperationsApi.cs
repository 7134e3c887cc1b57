using System.Text.Json.Nodes;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Workflows;
using Alliance.Workflows;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

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

    /// <summary>A published version an instance can be migrated to, with the ids of its activities.</summary>
    public sealed record MigrationTarget(int Version, IReadOnlyList<string> Activities);

    /// <summary>An instance's definition and version, the activities it holds now, and the versions it can move to.</summary>
    public sealed record MigrationChoices(string DefinitionId, int Version, IReadOnlyList<string> Held, IReadOnlyList<MigrationTarget> Targets);

    public static Ok<DefinitionsResponse> Definitions(AccessScope scope, WorkflowCatalog catalog) =>
        TypedResults.Ok(WorkflowOperations.Definitions(scope, catalog));

    public static Ok<string> DefinitionDiagram(string id, int version, AccessScope scope, WorkflowCatalog catalog) =>
        TypedResults.Ok(WorkflowOperations.DefinitionDiagram(scope, catalog, id, version));

    public static async Task<Ok<InstanceResponse>> Instance(Guid id, AccessScope scope, WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        TypedResults.Ok(await WorkflowOperations.InstanceAsync(scope, runtime, id, cancellationToken));

    public static async Task<Ok<string>> InstanceDiagram(Guid id, AccessScope scope, WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        TypedResults.Ok(await WorkflowOperations.InstanceDiagramAsync(scope, runtime, id, cancellationToken));

    public static async Task<NoContent> Retry(Guid id, AccessScope scope, WorkflowRuntime runtime, AllianceDbContext db, ItemSync sync, CancellationToken cancellationToken)
    {
        await WorkflowOperations.RetryAsync(scope, runtime, db, sync, id, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> Cancel(Guid id, CancelRequest? request, AccessScope scope, WorkflowRuntime runtime, AllianceDbContext db, ItemSync sync, CancellationToken cancellationToken)
    {
        await WorkflowOperations.CancelAsync(scope, runtime, db, sync, id, request?.Reason, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<MigrationResult>> Migrate(
        Guid id, MigrateRequest request, AccessScope scope, WorkflowRuntime runtime, AllianceDbContext db, ItemSync sync, CancellationToken cancellationToken) =>
        TypedResults.Ok(await WorkflowOperations.MigrateAsync(scope, runtime, db, sync, id, request, cancellationToken));

    public static async Task<Ok<IReadOnlyList<PendingStimulus>>> DeadLetters(AccessScope scope, WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        TypedResults.Ok(await WorkflowOperations.DeadLettersAsync(scope, runtime, cancellationToken));

    public static async Task<Ok<DeliveryResult>> Replay(string stimulusId, AccessScope scope, WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        TypedResults.Ok(await WorkflowOperations.ReplayAsync(scope, runtime, stimulusId, cancellationToken));
}
