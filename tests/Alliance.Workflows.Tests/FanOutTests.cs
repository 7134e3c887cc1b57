using System.Text.Json.Nodes;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Tests.Support;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

/// <summary>A task form may ask for a list (e.g. several units), and a StartChild with forEach starts one child per element (waiting for them: <see cref="ChildGroupTests"/>).</summary>
public sealed class FanOutTests
{
    private static readonly Actor Chair = RuntimeHarness.Person("chen", "chair", "c-1");

    private static WorkflowDefinition Child() => Flow("unit-task", """
        { "id": "start", "type": "Start" },
        { "id": "work", "type": "HumanTask", "title": { "zh-CN": "办理", "en": "Do it" }, "candidates": { "role": "unit", "organisation": "vars.unit" },
          "outcomes": ["done"], "deadline": "vars.due" },
        { "id": "end", "type": "End" }
        """, Links("start->work", "work:done->end", "work:deadline->end"),
        extra: """ "inputs": [ { "name": "unit", "type": "string" }, { "name": "due", "type": "string" } ], """);

    private static WorkflowDefinition Decide() => Flow("decide", """
        { "id": "start", "type": "Start" },
        { "id": "decide", "type": "HumanTask", "title": { "zh-CN": "决定", "en": "Decide" }, "candidates": { "role": "chair", "organisation": "'c-1'" },
          "outcomes": ["assign"], "fields": [ { "name": "units", "type": "list", "required": true, "max": 3, "maxLength": 10 },
                                              { "name": "hours", "type": "number", "min": 1, "max": 72 } ], "resultVariable": "decision" },
        { "id": "spawn", "type": "StartChild", "workflow": "unit-task", "forEach": "vars.decision.fields.units",
          "input": "({ unit: item, due: 'PT' + vars.decision.fields.hours + 'H' })" },
        { "id": "end", "type": "End" }
        """, Links("start->decide", "decide:assign->spawn", "spawn->end"));

    [Fact]
    public async Task StartChild_with_forEach_starts_one_child_per_element_with_the_element_as_item()
    {
        var harness = new RuntimeHarness(definitions: Child());
        var id = await harness.StartAsync(Decide());
        var decide = await harness.TaskAsync(id, "decide");

        await harness.Runtime.CompleteAsync(decide.Id, Chair, "assign", fields: new JsonObject { ["units"] = new JsonArray("u-1", "u-2"), ["hours"] = 4 });

        Assert.Equal(InstanceStatus.Completed, (await harness.InstanceAsync(id)).Status);
        var tasks = await harness.Runtime.QueryHumanTasksAsync(new HumanTaskQuery(Role: "unit"));
        Assert.Equal(["u-1", "u-2"], tasks.Select(t => t.CandidateOrganisation).Order());
        Assert.All(tasks, t => Assert.Equal(harness.Time.GetUtcNow().UtcDateTime.AddHours(4), t.DeadlineUtc));
        Assert.Equal(2, tasks.Select(t => t.InstanceId).Distinct().Count());
    }

    [Theory]
    [InlineData("[]", "required")]
    [InlineData("\"u-1\"", "must be a list of texts")]
    [InlineData("[\"u-1\", 2]", "must be a list of texts")]
    [InlineData("[\"u-1\", \"u-2\", \"u-3\", \"u-4\"]", "must have at most 3 entries")]
    [InlineData("[\"u-1\", \"u-1\"]", "must not repeat an entry")]
    [InlineData("[\"a-very-long-unit\"]", "each entry must be 1 to 10 characters")]
    public async Task A_list_field_is_checked_entry_by_entry(string units, string expected)
    {
        var harness = new RuntimeHarness(definitions: Child());
        var id = await harness.StartAsync(Decide());
        var decide = await harness.TaskAsync(id, "decide");

        var refused = await Assert.ThrowsAsync<WorkflowConflictException>(() =>
            harness.Runtime.CompleteAsync(decide.Id, Chair, "assign", fields: new JsonObject { ["units"] = JsonNode.Parse(units) }));

        Assert.Equal(ConflictCode.InvalidFields, refused.Code);
        var error = Assert.Single(refused.Conflict.FieldErrors);
        Assert.Equal(("units", expected), (error.Field, error.MessageEn));
    }
}
