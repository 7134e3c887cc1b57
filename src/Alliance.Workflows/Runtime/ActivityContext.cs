using System.Globalization;
using System.Text.Json.Nodes;
using Alliance.Workflows.Activities;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Expressions;
using Alliance.Workflows.Model;

namespace Alliance.Workflows.Runtime;

/// <summary>What an activity sees while it runs: its token, the instance, expressions, bookmarks and the outbox.</summary>
internal sealed class ActivityContext(WorkflowExecution execution, Activity activity, Token token)
{
    public WorkflowExecution Execution => execution;

    public Token Token => token;

    public WorkflowInstance Instance => execution.Instance;

    public InstanceState State => execution.Instance.State;

    public WorkflowDefinition Definition => execution.Definition;

    public DateTime UtcNow => execution.UtcNow;

    /// <summary>A journal outcome to record instead of the ports (e.g. "arrived" at a Join).</summary>
    public string? Outcome { get; set; }

    /// <summary>A journal detail.</summary>
    public string? Detail { get; set; }

    /// <summary>Evaluates with the globals vars, now, instanceId, payload (a message's) and item (the element of a forEach).</summary>
    public JsonNode? Evaluate(string expression, JsonNode? payload = null, JsonNode? item = null)
    {
        var globals = new Dictionary<string, JsonNode?>
        {
            ["vars"] = Instance.Variables,
            ["now"] = JsonValue.Create(UtcNow.ToString("O", CultureInfo.InvariantCulture)),
            ["instanceId"] = JsonValue.Create(Instance.Id.ToString()),
            ["payload"] = payload,
            ["item"] = item,
        };
        return execution.Services.Expressions.Evaluate(expression, globals, new DateTimeOffset(UtcNow, TimeSpan.Zero));
    }

    public bool Test(string expression)
    {
        var value = Evaluate(expression);
        return value switch
        {
            null => false,
            JsonValue v when v.TryGetValue(out bool b) => b,
            JsonValue v when v.TryGetValue(out double d) => d != 0 && !double.IsNaN(d),
            JsonValue v when v.TryGetValue(out string? s) => s.Length > 0,
            _ => true,
        };
    }

    public string? EvaluateString(string? expression) =>
        expression is null ? null : AsString(Evaluate(expression));

    public IReadOnlyList<string> EvaluateStrings(string expression) => Evaluate(expression) switch
    {
        JsonArray array => [.. array.Select(AsString).OfType<string>()],
        null => [],
        var other => throw new ExpressionException($"expected an array, got {other.GetValueKind()}"),
    };

    /// <summary>
    /// A duration property: an ISO 8601 literal, or an expression giving one (so that a setting passed in as an
    /// input, such as <c>vars.claimWindow</c>, decides it).
    /// </summary>
    public TimeSpan Duration(string text) =>
        Definitions.Durations.TryParse(text, out var literal)
            ? literal
            : Definitions.Durations.Parse(EvaluateString(text) ?? throw new ExpressionException($"'{text}' gave no duration"));

    /// <summary>Reminder offsets: each entry a duration (see <see cref="Duration"/>) or an expression giving an array of them.</summary>
    public IReadOnlyList<TimeSpan> Durations(IEnumerable<string> texts) =>
        [.. texts.SelectMany(text => Definitions.Durations.TryParse(text, out var literal)
            ? [literal]
            : Evaluate(text) is JsonArray array
                ? array.Select(AsString).OfType<string>().Select(Definitions.Durations.Parse)
                : [Duration(text)])];

    /// <summary>
    /// A candidate organisation expression: one id, or an array of ids (stored comma-separated: any of them may
    /// act, the first claim wins).
    /// </summary>
    public string? EvaluateOrganisations(string? expression) => expression is null
        ? null
        : Evaluate(expression) is JsonArray array
            ? string.Join(',', array.Select(AsString).OfType<string>().Distinct())
            : EvaluateString(expression);

    public void SetVariable(string name, JsonNode? value) => Instance.Variables[name] = value?.DeepClone();

    public Bookmark AddBookmark(BookmarkKind kind) => execution.NewBookmark(activity.Id, token.Branch, kind);

    public Bookmark AddTimer(TimerPurpose purpose, DateTime dueUtc, BookmarkId? related = null, string? scope = null)
    {
        var timer = AddBookmark(BookmarkKind.Timer);
        timer.Purpose = purpose;
        timer.DueUtc = dueUtc;
        timer.RelatedBookmarkId = related;
        timer.Scope = scope;
        return timer;
    }

    public void RemoveBookmark(Bookmark bookmark) => execution.RemoveBookmark(bookmark);

    public void UpdateBookmark(Bookmark bookmark) => execution.UpdateBookmark(bookmark);

    public void Send(OutboxKind kind, string type, JsonNode payload) => execution.Send(kind, type, payload);

    public string NewScope() => Branches.ScopeOf(activity.Id, ++State.Sequence);

    private static string? AsString(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => node.ToJsonString(),
    };
}
