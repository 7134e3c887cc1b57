using System.Text.Json.Nodes;
using Alliance.Server.Features.Ui;
using Alliance.Server.Tests.Foundation;

namespace Alliance.Server.Tests.Ui;

/// <summary>
/// The pages show an item's status and a task's form fields and outcomes by the words of <see cref="UiText"/>, never the workflow's
/// raw names (a joint task's <c>published</c> once showed as "published", in the 办结 column).
/// </summary>
public sealed class Words_for_what_the_workflows_show
{
    public static TheoryData<string> Statuses() => [.. Definitions().SelectMany(d => Walk(d))
        .Where(o => Text(o["type"]) == "SetStatus").Select(o => Text(o["status"])!).Distinct().Order(StringComparer.Ordinal)];

    public static TheoryData<string> Fields() => [.. Definitions().SelectMany(d => Walk(d))
        .Where(o => o["fields"] is JsonArray).SelectMany(o => o["fields"]!.AsArray().OfType<JsonObject>())
        .Select(f => Text(f["name"])!).Distinct().Order(StringComparer.Ordinal)];

    public static TheoryData<string> Outcomes() => [.. Definitions().SelectMany(d => Walk(d))
        .Where(o => o["outcomes"] is JsonArray).SelectMany(o => o["outcomes"]!.AsArray().Select(Text)).OfType<string>()
        .Distinct().Order(StringComparer.Ordinal)];

    /// <summary>The ways out of the steps the item page's route shows (<c>RouteMap.IsStep</c>): a task's outcomes, a round's or a child route's end.</summary>
    public static TheoryData<string> StepPorts() => [.. Definitions().Where(d => d["activities"] is JsonArray && d["connections"] is JsonArray).SelectMany(d =>
        {
            var steps = d["activities"]!.AsArray().OfType<JsonObject>().Where(a => StepTypes.Contains(Text(a["type"]))).Select(a => Text(a["id"])).ToHashSet();
            return d["connections"]!.AsArray().OfType<JsonObject>().Where(c => steps.Contains(Text(c["from"]))).Select(c => Text(c["port"])!);
        }).Distinct().Order(StringComparer.Ordinal)];

    private static readonly string[] StepTypes = ["Start", "HumanTask", "ParallelForEach", "Vote", "StartChild", "WaitForMessage", "Timer"];

    [Theory]
    [MemberData(nameof(StepPorts))]
    public void Every_way_out_of_a_route_step_has_a_chinese_label(string port)
    {
        var label = UiText.Outcome(port);
        Assert.NotEqual(port, label);
        Assert.Matches("\\p{IsCJKUnifiedIdeographs}", label);
    }

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void Every_task_outcome_has_a_chinese_label(string outcome)
    {
        var label = UiText.Outcome(outcome);
        Assert.NotEqual(outcome, label);
        Assert.Matches("\\p{IsCJKUnifiedIdeographs}", label);
    }

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Every_status_a_workflow_sets_has_a_chinese_label(string status)
    {
        var label = UiText.Status(status);
        Assert.NotEqual(status, label);
        Assert.Matches("\\p{IsCJKUnifiedIdeographs}", label);
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Every_task_form_field_has_a_chinese_label(string field)
    {
        var label = UiText.Field(field);
        Assert.NotEqual(field, label);
        Assert.Matches("\\p{IsCJKUnifiedIdeographs}", label);
    }

    [Theory]
    [InlineData("pending", BoardStage.Intake)]
    [InlineData("broadcast", BoardStage.Deliberating)]
    [InlineData("deciding", BoardStage.Deliberating)]
    [InlineData("published", BoardStage.Doing)]
    [InlineData("confirmed", BoardStage.Doing)]
    [InlineData("assessing", BoardStage.Doing)]
    [InlineData("concluded-by-street", BoardStage.Done)]
    [InlineData("fulfilled", BoardStage.Done)]
    [InlineData("declined", BoardStage.Done)]
    public void A_status_puts_the_item_in_the_board_column_of_its_stage(string status, BoardStage stage) =>
        Assert.Equal(stage, UiText.Stage(status));

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static IEnumerable<JsonNode> Definitions() =>
        Directory.EnumerateFiles(Path.Combine(The_compose_stack.RepositoryRoot(), "workflows"), "*.json")
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!);

    private static IEnumerable<JsonObject> Walk(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                yield return o;
                foreach (var child in o.SelectMany(p => Walk(p.Value)))
                {
                    yield return child;
                }

                break;
            case JsonArray a:
                foreach (var child in a.SelectMany(Walk))
                {
                    yield return child;
                }

                break;
        }
    }
}
