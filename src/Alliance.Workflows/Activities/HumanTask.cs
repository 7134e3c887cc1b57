using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>
/// A task for people. The first claim wins; delegation is allowed. At the deadline the task escalates to
/// <see cref="EscalateTo"/> (and stays open), or, without an escalation target, closes on the "deadline" port.
/// </summary>
public sealed record HumanTask : Activity
{
    [JsonPropertyName("title")]
    public LocalizedText Title { get; init; } = new("", "");

    [JsonPropertyName("candidates")]
    public Candidates Candidates { get; init; } = new("");

    [JsonPropertyName("outcomes")]
    public IReadOnlyList<string> Outcomes { get; init; } = [];

    [JsonPropertyName("fields")]
    public IReadOnlyList<FormField> Fields { get; init; } = [];

    /// <summary>ISO 8601 duration from the task's creation, or an expression giving one.</summary>
    [JsonPropertyName("deadline")]
    public string? Deadline { get; init; }

    /// <summary>ISO 8601 durations before the deadline at which a reminder is sent.</summary>
    [JsonPropertyName("reminders")]
    public IReadOnlyList<string> Reminders { get; init; } = [];

    [JsonPropertyName("escalateTo")]
    public Candidates? EscalateTo { get; init; }

    /// <summary>The variable that receives { outcome, actor, organisation (the one the actor acted for), comment, fields }.</summary>
    [JsonPropertyName("resultVariable")]
    public string? ResultVariable { get; init; }

    public override IReadOnlyList<string> Ports => [.. Outcomes, Activities.Outcomes.Deadline];

    public override bool Waits => true;

    internal override IEnumerable<(string Property, string Source)> Expressions()
    {
        if (Candidates.Organisation is not null)
        {
            yield return ("candidates.organisation", Candidates.Organisation);
        }

        if (EscalateTo?.Organisation is not null)
        {
            yield return ("escalateTo.organisation", EscalateTo.Organisation);
        }
    }

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        var organisation = context.EvaluateOrganisations(Candidates.Organisation);
        var escalationOrganisation = context.EvaluateOrganisations(EscalateTo?.Organisation);
        var task = context.AddBookmark(BookmarkKind.HumanTask);
        task.TitleZh = Title.ZhCn;
        task.TitleEn = Title.En;
        task.CandidateRole = Candidates.Role;
        task.CandidateOrganisation = organisation;
        task.AllowedOutcomes = Outcomes;
        task.Fields = Fields;
        task.EscalationRole = EscalateTo?.Role;
        task.EscalationOrganisation = escalationOrganisation;
        if (Deadline is not null)
        {
            var due = context.UtcNow + context.Duration(Deadline);
            task.DeadlineUtc = due;
            context.AddTimer(TimerPurpose.Deadline, due, task.Id);
            foreach (var offset in context.Durations(Reminders))
            {
                var at = due - offset;
                if (at > context.UtcNow)
                {
                    context.AddTimer(TimerPurpose.Reminder, at, task.Id);
                }
            }
        }

        context.Send(OutboxKind.Notification, "task.opened", TaskPayload(task, context.Instance));
        return None;
    }

    internal override IReadOnlyList<string> Resume(ActivityContext context, Bookmark bookmark, Signal signal)
    {
        if (signal is not TaskCompletedSignal done)
        {
            return base.Resume(context, bookmark, signal);
        }

        context.RemoveBookmark(bookmark);
        if (ResultVariable is not null)
        {
            context.SetVariable(ResultVariable, ResultOf(done));
        }

        context.Detail = done.Comment;
        return [done.Outcome];
    }

    internal override IReadOnlyList<string> OnTimer(ActivityContext context, Bookmark timer)
    {
        var task = timer.RelatedBookmarkId is { } id ? context.Execution.FindBookmark(id) : null;
        if (task is null)
        {
            return None;
        }

        if (timer.Purpose == TimerPurpose.Reminder)
        {
            context.Send(OutboxKind.Notification, "task.reminder", TaskPayload(task, context.Instance));
            return None;
        }

        if (task.EscalationRole is not null && !task.Escalated)
        {
            task.Escalated = true;
            task.CandidateRole = task.EscalationRole;
            task.CandidateOrganisation = task.EscalationOrganisation;
            task.ClaimedBy = null;
            task.DelegatedTo = null;
            context.UpdateBookmark(task);
            context.Send(OutboxKind.Notification, "task.escalated", TaskPayload(task, context.Instance));
            context.Detail = "escalated";
            return None;
        }

        context.RemoveBookmark(task);
        return [Activities.Outcomes.Deadline];
    }

    internal static JsonObject ResultOf(TaskCompletedSignal done)
    {
        return new JsonObject
        {
            ["outcome"] = done.Outcome,
            ["actor"] = done.Actor.Id,
            ["organisation"] = done.Actor.OrganisationId,
            ["comment"] = done.Comment,
            ["fields"] = done.Fields.DeepClone(),
        };
    }

    internal static JsonObject TaskPayload(Bookmark task, WorkflowInstance instance) => new()
    {
        ["taskId"] = task.Id.ToString(),
        ["instanceId"] = instance.Id.ToString(),
        ["activityId"] = task.ActivityId,
        ["titleZh"] = task.TitleZh,
        ["titleEn"] = task.TitleEn,
        ["role"] = task.CandidateRole,
        ["organisation"] = task.CandidateOrganisation,
        ["claimedBy"] = task.ClaimedBy,
        ["deadlineUtc"] = task.DeadlineUtc,
    };
}
