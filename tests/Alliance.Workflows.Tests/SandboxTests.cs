using System.Diagnostics;
using Alliance.Workflows.Expressions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Tests.Support;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

public sealed class SandboxTests
{
    private readonly ExpressionEvaluator _evaluator = new();

    // An endless loop is stopped by whichever bound it meets first: the statement limit on an idle machine,
    // the 100 ms time limit on a loaded one. Both are bounded outcomes; which one depends on the CPU.
    [Theory]
    [InlineData("(function () { while (true) {} })()", "limit")]
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

    [Theory]
    [InlineData("Object.prototype.polluted = 1")]
    [InlineData("Array.prototype.push = null")]
    [InlineData("globalThis.leak = 1")]
    [InlineData("Math.max = null")]
    public void An_expression_cannot_leave_anything_behind_for_the_next(string attempt)
    {
        var globals = new Dictionary<string, System.Text.Json.Nodes.JsonNode?>();
        Assert.Throws<ExpressionException>(() => _evaluator.Evaluate(attempt, globals));

        var clean = _evaluator.Evaluate("[({}).polluted, typeof globalThis.leak, [1].push(2), Math.max(1, 2)]", globals);

        Assert.Equal("[null,\"undefined\",2,2]", clean!.ToJsonString());
    }

    [Fact]
    public void Globals_are_replaced_on_every_evaluation()
    {
        var first = _evaluator.Evaluate("vars.x + payload.y", new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["vars"] = new System.Text.Json.Nodes.JsonObject { ["x"] = 1 }, ["payload"] = new System.Text.Json.Nodes.JsonObject { ["y"] = 2 } });
        var second = _evaluator.Evaluate("typeof payload", new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["vars"] = new System.Text.Json.Nodes.JsonObject() });

        Assert.Equal(3, first!.GetValue<double>());
        Assert.Equal("undefined", second!.GetValue<string>());
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
