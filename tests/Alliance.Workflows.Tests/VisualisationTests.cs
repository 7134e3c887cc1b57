using System.Text.Json.Nodes;
using Alliance.Workflows.DryRun;
using Alliance.Workflows.Model;
using Alliance.Workflows.Tests.Support;
using Alliance.Workflows.Visualisation;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

public sealed class VisualisationTests
{
    private static Workflows.Definitions.WorkflowDefinition Sample() => Flow("visual", """
        { "id": "start", "type": "Start", "name": { "zh-CN": "开始", "en": "Start" } },
        { "id": "review", "type": "HumanTask", "title": { "zh-CN": "审核", "en": "Review" }, "candidates": { "role": "secretary" }, "outcomes": ["ok", "no"] },
        { "id": "wait", "type": "Timer", "duration": "PT1H" },
        { "id": "end", "type": "End" }
        """, Links("start->review", "review:ok->wait", "review:no->end", "wait->end"));

    [Fact]
    public void A_definition_exports_as_a_Mermaid_flowchart()
    {
        var mermaid = MermaidExporter.Export(Sample());

        Assert.StartsWith("flowchart TD\n", mermaid.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("a_start([\"开始<br/>Start\"])", mermaid, StringComparison.Ordinal);
        Assert.Contains("a_review[/\"review<br/>HumanTask\"/]", mermaid, StringComparison.Ordinal);
        Assert.Contains("a_review -->|ok| a_wait", mermaid, StringComparison.Ordinal);
        Assert.DoesNotContain("classDef", mermaid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_instance_export_highlights_its_path_and_current_position()
    {
        var harness = new RuntimeHarness();
        var id = await harness.StartAsync(Sample());
        var task = await harness.TaskAsync(id, "review");
        await harness.Runtime.CompleteAsync(task.Id, RuntimeHarness.Person("s", "secretary"), "ok");

        var mermaid = await harness.Runtime.ExportMermaidAsync(id);

        Assert.Contains("class a_start,a_review visited", mermaid, StringComparison.Ordinal);
        Assert.Contains("class a_wait current", mermaid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_returns_the_path_taken_against_scripted_stimuli()
    {
        var result = await WorkflowDryRun.RunAsync(Sample(), null, [
            new CompleteTask("review", "ok"),
            new AdvanceTime(TimeSpan.FromMinutes(30)),
            new AdvanceTime(TimeSpan.FromMinutes(30)),
        ]);

        Assert.Equal(["start", "review", "wait", "end"], result.Path);
        Assert.Equal(InstanceStatus.Completed, result.Status);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public async Task A_dry_run_reports_script_steps_that_do_not_apply()
    {
        var result = await WorkflowDryRun.RunAsync(Sample(), new JsonObject(), [new CompleteTask("review", "maybe")]);

        Assert.Equal(InstanceStatus.Waiting, result.Status);
        Assert.Contains("Outcome 'maybe' is not allowed", Assert.Single(result.Problems), StringComparison.Ordinal);
    }
}
