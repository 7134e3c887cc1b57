using System.Text.Json.Nodes;
using Alliance.Workflows.Activities;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;

namespace Alliance.Workflows.Runtime;

/// <summary>Human tasks (claim, delegate, complete) and votes (cast, tally).</summary>
public sealed partial class WorkflowRuntime
{
    public Task<IReadOnlyList<Bookmark>> QueryHumanTasksAsync(HumanTaskQuery query, CancellationToken cancellationToken = default) =>
        _store.QueryHumanTasksAsync(query, cancellationToken);

    /// <summary>Claims a task: the first claim wins; claiming one's own claim again is a no-op.</summary>
    public Task ClaimAsync(BookmarkId taskId, Actor actor, CommitContext? context = null, CancellationToken cancellationToken = default) =>
        OnTaskAsync(taskId, actor, (execution, task) =>
        {
            if (task.ClaimedBy == actor.Id)
            {
                return false;
            }

            EnsureMayAct(task, actor);
            task.ClaimedBy = actor.Id;
            execution.UpdateBookmark(task);
            execution.Journal(execution.Definition.Get(task.ActivityId), "claimed", actor.Id, kind: JournalKind.TaskAction);
            return true;
        }, context, cancellationToken);

    /// <summary>Hands a task from its holder (or an unclaimed candidate) to another person, who then holds it.</summary>
    public Task DelegateAsync(BookmarkId taskId, Actor from, string toUserId, CommitContext? context = null, CancellationToken cancellationToken = default) =>
        OnTaskAsync(taskId, from, (execution, task) =>
        {
            EnsureMayAct(task, from);
            task.DelegatedTo = toUserId;
            task.ClaimedBy = toUserId;
            execution.UpdateBookmark(task);
            execution.Journal(execution.Definition.Get(task.ActivityId), $"delegated to {toUserId}", from.Id, kind: JournalKind.TaskAction);
            return true;
        }, context, cancellationToken);

    /// <summary>Completes a task with an allowed outcome and valid fields; the flow continues on the outcome's port.</summary>
    public Task CompleteAsync(
        BookmarkId taskId, Actor actor, string outcome, string? comment = null, JsonObject? fields = null, CommitContext? context = null,
        CancellationToken cancellationToken = default) =>
        OnTaskAsync(taskId, actor, (execution, task) =>
        {
            EnsureMayAct(task, actor);
            if (!task.AllowedOutcomes.Contains(outcome))
            {
                throw Conflict(ConflictCode.OutcomeNotAllowed, $"不允许的结果“{outcome}”，可选：{string.Join("、", task.AllowedOutcomes)}", $"Outcome '{outcome}' is not allowed; allowed: {string.Join(", ", task.AllowedOutcomes)}");
            }

            var values = fields ?? [];
            var errors = FieldValidator.Validate(task.Fields, values);
            if (errors.Count > 0)
            {
                throw new WorkflowConflictException(new WorkflowConflict(ConflictCode.InvalidFields, "表单字段有误", "Some fields are invalid", errors));
            }

            execution.Resume(task, new TaskCompletedSignal(actor, outcome, comment, values));
            return true;
        }, context, cancellationToken);

    /// <summary>Casts a ballot in an open vote; each eligible voter votes once.</summary>
    public async Task CastVoteAsync(BookmarkId voteId, Actor voter, VoteChoice choice, CommitContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(voter);
        var vote = await _store.FindBookmarkAsync(voteId, cancellationToken);
        if (vote is null || vote.Kind != BookmarkKind.Vote)
        {
            throw Conflict(ConflictCode.TaskClosed, "表决已结束或不存在", "The vote is closed or does not exist");
        }

        await MutateAsync(vote.InstanceId, voter, execution =>
        {
            var live = execution.FindBookmark(voteId);
            if (live is null || execution.Instance.IsClosed)
            {
                throw Conflict(ConflictCode.TaskClosed, "表决已结束", "The vote is closed");
            }

            if (execution.Definition.Get(live.ActivityId) is Vote { Organisations: not null })
            {
                throw Conflict(ConflictCode.NotEligible, "本次表决由成员单位通过表决任务投票", "Organisations vote in this vote, each through its ballot task");
            }

            if (!live.EligibleVoters.Contains(voter.Id))
            {
                throw Conflict(ConflictCode.NotEligible, "您不是本次表决的有表决权成员", "You are not an eligible voter");
            }

            if (live.Ballots.Any(b => b.Voter == voter.Id))
            {
                throw Conflict(ConflictCode.AlreadyVoted, "您已投票", "You have already voted");
            }

            if (choice == VoteChoice.Abstain && execution.Definition.Get(live.ActivityId) is Vote { AllowAbstain: false })
            {
                throw Conflict(ConflictCode.AbstainNotAllowed, "本次表决不允许弃权", "Abstaining is not allowed in this vote");
            }

            execution.Resume(live, new VoteCastSignal(voter, choice));
            return ValueTask.FromResult(Changed(true));
        }, context, cancellationToken);
    }

    /// <summary>The live tally of an open vote; null when it is closed (its result is then in the result variable).</summary>
    public async Task<VoteTally?> GetTallyAsync(BookmarkId voteId, CancellationToken cancellationToken = default)
    {
        var vote = await _store.FindBookmarkAsync(voteId, cancellationToken);
        var instance = vote is null ? null : await _store.FindInstanceAsync(vote.InstanceId, cancellationToken);
        return instance is null
            ? null
            : (_services.Definitions.Find(instance.DefinitionId, instance.DefinitionVersion)?.Find(vote!.ActivityId) as Vote)?.Tally(vote!, instance.State);
    }

    private async Task OnTaskAsync(BookmarkId taskId, Actor actor, Func<WorkflowExecution, Bookmark, bool> act, CommitContext? context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var task = await _store.FindBookmarkAsync(taskId, cancellationToken);
        if (task is null || task.Kind != BookmarkKind.HumanTask)
        {
            throw Conflict(ConflictCode.TaskClosed, "任务已关闭或不存在", "The task is closed or does not exist");
        }

        await MutateAsync(task.InstanceId, actor, execution =>
        {
            if (execution.Instance.IsClosed || execution.Instance.Status == InstanceStatus.Faulted)
            {
                throw Conflict(ConflictCode.InstanceClosed, "流程已结束", $"The workflow instance is {execution.Instance.Status}");
            }

            var live = execution.FindBookmark(taskId)
                ?? throw Conflict(ConflictCode.TaskClosed, "任务已关闭", "The task is closed");
            return ValueTask.FromResult((true, act(execution, live)));
        }, context, cancellationToken);
    }

    private static void EnsureMayAct(Bookmark task, Actor actor)
    {
        if (task.ClaimedBy is not null && task.ClaimedBy != actor.Id)
        {
            throw Conflict(ConflictCode.AlreadyClaimed, "任务已被他人认领", $"The task is already claimed by {task.ClaimedBy}");
        }

        if (task.ClaimedBy is null && !IsCandidate(task, actor))
        {
            throw Conflict(ConflictCode.NotCandidate, "您不是该任务的候选人", "You are not a candidate for this task");
        }
    }

    private static bool IsCandidate(Bookmark task, Actor actor) =>
        task.DelegatedTo == actor.Id
        || (task.CandidateRole is not null && actor.HasRole(task.CandidateRole)
            && task.IsCandidateOrganisation(actor.OrganisationId));

    private static WorkflowConflictException Conflict(ConflictCode code, string zh, string en) =>
        new(new WorkflowConflict(code, zh, en));
}
