using System.Diagnostics;
using Alliance.Workflows.Expressions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Tests.Support;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

public sealed class SandboxTests
{
    private readonly ExpressionEvaluator _evaluator = new();

    [Theory]
    [InlineData("(function () { while (true) {} })()", "statement limit")]
    [InlineData("(function f(n) { return f(n + 1); })(0)", "recursion limit")]
    [InlineData("(function () { var a = []; while (true) { a.push('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' + a.length); } })()", "limit")]
    public void A_runaway_expression_is_stopped_within_bounds(string expression, string expected)
    {
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<ExpressionException>(() => _evaluator.Evaluate(expression, new Dictionary<string, System.Text.Json.Nodes.JsonNode?>()));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_slow_expression_hits_the_time_limit()
    {
        var evaluator = new ExpressionEvaluator(new SandboxLimits { MaxStatements = int.MaxValue });
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<ExpressionException>(() => evaluator.Evaluate("(function () { var i = 0; while (true) { i++; } })()", new Dictionary<string, System.Text.Json.Nodes.JsonNode?>()));

        Assert.Equal("time limit of 100 ms exceeded", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("System.IO.File")]
    [InlineData("importNamespace('System')")]
    [InlineData("clr")]
    public void Expressions_have_no_CLR_access(string expression)
    {
        Assert.Throws<ExpressionException>(() => _evaluator.Evaluate(expression, new Dictionary<string, System.Text.Json.Nodes.JsonNode?>()));
    }

    [Fact]
    public async Task A_runaway_expression_in_a_workflow_becomes_an_incident_not_a_hung_thread()
    {
        var definition = Flow("runaway", """
            { "id": "start", "type": "Start" },
            { "id": "spin", "type": "Decision", "condition": "(function () { while (true) {} })()" },
            { "id": "end", "type": "End" }
            """, Links("start->spin", "spin:true->end", "spin:false->end"));
        var harness = new RuntimeHarness();

        var id = await harness.StartAsync(definition);

        var incident = Assert.Single(await harness.Runtime.GetIncidentsAsync(id));
        Assert.Equal("spin", incident.ActivityId);
        Assert.Equal("statement limit exceeded", incident.Error);
        Assert.Equal(InstanceStatus.Waiting, (await harness.InstanceAsync(id)).Status);
    }
}
