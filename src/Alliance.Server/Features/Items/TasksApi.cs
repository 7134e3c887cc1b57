using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Workflows;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Items;

/// <summary>The inbox endpoints: thin translations of <see cref="TaskOperations"/> to HTTP.</summary>
public static class TasksApi
{
    public static readonly BilingualText Thing = new("任务", "task");

    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization();
        api.MapGet("/", Inbox).WithName("ListMyTasks")
            .WithSummary("The caller's inbox: open tasks for them and their organisations, with allowed outcomes and form fields / 我的待办");
        api.MapPost("/{id:guid}/claim", Claim).WithName("ClaimTask").WithSummary("Claim a task; the first claim wins / 认领任务");
        api.MapPost("/{id:guid}/complete", Complete).WithName("CompleteTask")
            .WithSummary("Complete a task with an allowed outcome, a comment and the form fields / 办结任务");
        api.MapPost("/{id:guid}/delegate", Delegate).WithName("DelegateTask").WithSummary("Hand a task to someone else / 转交任务");
        api.MapGet("/{id:guid}/hand-over-candidates", HandOverCandidates).WithName("ListHandOverCandidates")
            .WithSummary("Colleagues a task can be handed over to / 可转交的同事");
        return app;
    }

    public sealed record FieldView(string Name, string Type, bool Required, int? MaxLength, double? Min, double? Max, IReadOnlyList<string>? Options);

    public sealed record TaskView(
        Guid Id, ItemId ItemId, ItemKind ItemKind, string ItemTitle, string Step, string? TitleZh, string? TitleEn, string? Role,
        IReadOnlyList<OrganisationId> Candidates, string? ClaimedBy, DateTime? DeadlineUtc, bool Escalated, IReadOnlyList<string> Outcomes,
        IReadOnlyList<FieldView> Fields);

    public sealed record CompleteTaskRequest(string? Outcome, string? Comment, JsonObject? Fields);

    public sealed record DelegateTaskRequest(Guid? ToUserId, string? Comment);

    public sealed record TaskResult(Guid TaskId, ItemId ItemId, string ItemStatus, long Sequence);

    /// <summary>A colleague a task can be handed over to (转交): who, and for which organisation they act.</summary>
    public sealed record HandOverCandidate(Guid UserId, string DisplayName, string Organisation);

    public static async Task<Ok<List<TaskView>>> Inbox(AccessScope scope, TaskOperations tasks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tasks.InboxAsync(scope, cancellationToken));

    public static async Task<Ok<TaskResult>> Claim(Guid id, AccessScope scope, TaskOperations tasks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tasks.ClaimAsync(scope, id, cancellationToken));

    public static async Task<Ok<TaskResult>> Complete(Guid id, CompleteTaskRequest request, AccessScope scope, TaskOperations tasks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tasks.CompleteAsync(scope, id, request, cancellationToken));

    public static async Task<Ok<TaskResult>> Delegate(Guid id, DelegateTaskRequest request, AccessScope scope, TaskOperations tasks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tasks.DelegateAsync(scope, id, request, cancellationToken));

    public static async Task<Ok<List<HandOverCandidate>>> HandOverCandidates(Guid id, AccessScope scope, TaskOperations tasks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tasks.HandOverCandidatesAsync(scope, id, cancellationToken));
}
