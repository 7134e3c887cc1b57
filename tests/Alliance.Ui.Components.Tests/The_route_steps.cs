using Alliance.Server.Features.Ui.Shell;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Visualisation;

namespace Alliance.Ui.Components.Tests;

/// <summary>RouteSteps: each step marked passed, current or ahead, the current one announced as such, and its ways out in words.</summary>
public sealed class The_route_steps : ChineseComponentContext
{
    [Fact]
    public void Marks_the_current_step_alone_and_names_where_each_way_out_leads()
    {
        RouteStep[] steps =
        [
            new("intake", "HumanTask", new("受理审核", "Intake review"), RouteStepState.Visited, [new("accept", ["accepted"], "opinions")]),
            new("opinions", "Collect", new("征求意见", "Opinions"), RouteStepState.Current, [new("done", [], "resolve"), new("withdraw", [], null)]),
            new("resolve", "HumanTask", new("作出决议", "Resolution"), RouteStepState.Ahead, []),
        ];

        var route = Render<RouteSteps>(p => p.Add(c => c.Steps, steps).Add(c => c.LabelledBy, "route-heading"));

        Assert.Equal("route-heading", route.Find("ol.route").GetAttribute("aria-labelledby"));
        var current = Assert.Single(route.FindAll("[data-state=current]"));
        Assert.Equal("opinions", current.GetAttribute("data-step"));
        Assert.Equal("step", current.GetAttribute("aria-current"));
        Assert.Equal("●", current.QuerySelector(".route-mark")!.TextContent);
        Assert.Contains("（当前环节）", current.TextContent, StringComparison.Ordinal);
        Assert.Equal(["✓", "●", "○"], route.FindAll(".route-mark").Select(m => m.TextContent));
        Assert.All(route.FindAll("[data-state=visited], [data-state=ahead]"), step => Assert.Null(step.GetAttribute("aria-current")));

        var exits = current.QuerySelectorAll(".route-exits li").Select(e => e.TextContent).ToList();
        Assert.Equal(2, exits.Count);
        Assert.EndsWith("→ 作出决议", exits[0], StringComparison.Ordinal);
        Assert.EndsWith("→ 结束", exits[1], StringComparison.Ordinal);
    }
}
