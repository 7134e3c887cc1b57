using System.Text.Json.Nodes;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows.Runtime;

namespace Alliance.Server.Features.Ui.Pages;

/// <summary>
/// The task inbox's reads and actions, on the items feature's task code (the code <c>/api/tasks</c> runs: the same
/// candidate, claim and outcome checks, the same 404/403/409 problems).
/// </summary>
public static class TaskActions
{
    public static async Task<IReadOnlyList<TasksApi.TaskView>> InboxAsync(IServiceProvider services, AccessScope scope, CancellationToken cancellationToken) =>
        (await TasksApi.Inbox(scope, services.GetRequiredService<AllianceDbContext>(), cancellationToken)).Value!;

    public static Task ClaimAsync(IServiceProvider services, AccessScope scope, Guid taskId, CancellationToken cancellationToken) =>
        TasksApi.Claim(taskId, scope, services.GetRequiredService<AllianceDbContext>(), services.GetRequiredService<WorkflowRuntime>(),
            services.GetRequiredService<ItemSync>(), cancellationToken);

    public static Task CompleteAsync(
        IServiceProvider services, AccessScope scope, Guid taskId, string? outcome, string? comment, JsonObject fields,
        CancellationToken cancellationToken) =>
        TasksApi.Complete(taskId, new TasksApi.CompleteTaskRequest(outcome, string.IsNullOrWhiteSpace(comment) ? null : comment, fields), scope,
            services.GetRequiredService<AllianceDbContext>(), services.GetRequiredService<WorkflowRuntime>(), services.GetRequiredService<ItemSync>(),
            cancellationToken);
}
