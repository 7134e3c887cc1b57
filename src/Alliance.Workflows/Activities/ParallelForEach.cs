using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>The task a ParallelForEach gives to each member of the set (the member is the candidate organisation).</summary>
public sealed record TaskTemplate
{
    [JsonPropertyName("title")]
    public LocalizedText Title { get; init; } = new("", "");

    [JsonPropertyName("role")]
    public string Role { get; init; } = "";

    [JsonPropertyName("outcomes")]
    public IReadOnlyList<string> Outcomes { get; init; } = [];

    [JsonPropertyName("fields")]
    public IReadOnlyList<FormField> Fields { get; init; } = [];
}

/// <summary>
/// Fans a human task out to each member of a set (e.g. every member unit of an alliance) and collects the
/// responses: "done" when all responded, "expired" when the window closed first (open tasks are closed).
/// </summary>
public sealed record ParallelForEach : Activity
{
    /// <summary>A JavaScript expression giving an array of organisation ids.</summary>
    [JsonPropertyName("items")]
    public string Items { get; init; } = "";

    [JsonPropertyName("task")]
    public TaskTemplate Task { get; init; } = new();

    /// <summary>ISO 8601 duration after which collection stops.</summary>
    [JsonPropertyName("window")]
    public string? Window { get; init; }

    /// <summary>The variable that receives { responses: { item: {...} }, missing: [...] }.</summary>
    [JsonPropertyName("resultVariable")]
    public string? ResultVariable { get; init; }

    public override IReadOnlyList<string> Ports => [Outcomes.Done, Outcomes.Expired];

    public override bool Waits => true;

    internal override IEnumerable<(string Property, string Source)> Expressions() => [("items", Items)];

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        var items = context.EvaluateStrings(Items).Distinct().ToList();
        var collector = new CollectorState { ActivityId = Id, Scope = context.NewScope(), Branch = context.Token.Branch, Items = items };
        if (items.Count == 0)
        {
            Finish(context, collector);
            return Done;
        }

        context.State.Collectors.Add(collector);
        var window = Window is null ? (TimeSpan?)null : context.Duration(Window);
        foreach (var item in items)
        {
            var task = context.AddBookmark(BookmarkKind.HumanTask);
            task.Scope = collector.Scope;
            task.Item = item;
            task.TitleZh = Task.Title.ZhCn;
            task.TitleEn = Task.Title.En;
            task.CandidateRole = Task.Role;
            task.CandidateOrganisation = item;
            task.AllowedOutcomes = Task.Outcomes;
            task.Fields = Task.Fields;
            if (window is { } open)
            {
                task.DeadlineUtc = context.UtcNow + open;
            }

            context.Send(OutboxKind.Notification, "task.opened", HumanTask.TaskPayload(task, context.Instance));
        }

        if (window is { } collect)
        {
            context.AddTimer(TimerPurpose.Deadline, context.UtcNow + collect, scope: collector.Scope);
        }

        return None;
    }

    internal override IReadOnlyList<string> Resume(ActivityContext context, Bookmark bookmark, Signal signal)
    {
        if (signal is not TaskCompletedSignal done)
        {
            return base.Resume(context, bookmark, signal);
        }

        context.RemoveBookmark(bookmark);
        var collector = context.State.Collectors.First(c => c.Scope == bookmark.Scope);
        var fields = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(done.Fields.ToJsonString()) ?? [];
        collector.Responses[bookmark.Item!] = new TaskResponse(done.Actor.Id, done.Outcome, done.Comment, fields, context.UtcNow);
        context.Detail = $"{bookmark.Item}: {done.Outcome}";
        if (collector.Responses.Count < collector.Items.Count)
        {
            return None;
        }

        Close(context, collector);
        return Done;
    }

    internal override IReadOnlyList<string> OnTimer(ActivityContext context, Bookmark timer)
    {
        var collector = context.State.Collectors.FirstOrDefault(c => c.Scope == timer.Scope);
        if (collector is null)
        {
            return None;
        }

        Close(context, collector);
        return [Outcomes.Expired];
    }

    private void Close(ActivityContext context, CollectorState collector)
    {
        foreach (var open in context.Execution.Bookmarks.Where(b => b.Scope == collector.Scope).ToList())
        {
            context.RemoveBookmark(open);
        }

        context.State.Collectors.Remove(collector);
        Finish(context, collector);
    }

    private void Finish(ActivityContext context, CollectorState collector)
    {
        if (ResultVariable is null)
        {
            return;
        }

        var responses = new JsonObject();
        foreach (var (item, response) in collector.Responses)
        {
            responses[item] = JsonSerializer.SerializeToNode(response, JsonSerializerOptions.Web);
        }

        context.SetVariable(ResultVariable, new JsonObject
        {
            ["responses"] = responses,
            ["missing"] = new JsonArray([.. collector.Items.Where(i => !collector.Responses.ContainsKey(i)).Select(i => JsonValue.Create(i))]),
        });
    }
}
