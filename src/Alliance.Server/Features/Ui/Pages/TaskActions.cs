using System.Text.Json.Nodes;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;

namespace Alliance.Server.Features.Ui.Pages;

/// <summary>The task inbox's reads and actions: <see cref="TaskOperations"/>, the code <c>/api/tasks</c> runs.</summary>
public static class TaskActions
{
    public static async Task<IReadOnlyList<TasksApi.TaskView>> InboxAsync(IServiceProvider services, AccessScope scope, CancellationToken cancellationToken, ItemId? item = null) =>
        await services.GetRequiredService<TaskOperations>().InboxAsync(scope, cancellationToken, item);

    public static Task ClaimAsync(IServiceProvider services, AccessScope scope, Guid taskId, CancellationToken cancellationToken) =>
        services.GetRequiredService<TaskOperations>().ClaimAsync(scope, taskId, cancellationToken);

    public static async Task<IReadOnlyList<TasksApi.HandOverCandidate>> HandOverCandidatesAsync(
        IServiceProvider services, AccessScope scope, Guid taskId, CancellationToken cancellationToken) =>
        await services.GetRequiredService<TaskOperations>().HandOverCandidatesAsync(scope, taskId, cancellationToken);

    public static Task HandOverAsync(IServiceProvider services, AccessScope scope, Guid taskId, Guid? to, string? note, CancellationToken cancellationToken) =>
        services.GetRequiredService<TaskOperations>().DelegateAsync(
            scope, taskId, new TasksApi.DelegateTaskRequest(to, string.IsNullOrWhiteSpace(note) ? null : note), cancellationToken);

    public static Task CompleteAsync(
        IServiceProvider services, AccessScope scope, Guid taskId, string? outcome, string? comment, JsonObject fields,
        CancellationToken cancellationToken) =>
        services.GetRequiredService<TaskOperations>().CompleteAsync(
            scope, taskId, new TasksApi.CompleteTaskRequest(outcome, string.IsNullOrWhiteSpace(comment) ? null : comment, fields), cancellationToken);
}

/// <summary>What an action on a task card did: <see cref="Done"/> when it worked, else the <see cref="Refusal"/> in words.</summary>
public sealed record TaskActed(string? Done, string? Refusal);
