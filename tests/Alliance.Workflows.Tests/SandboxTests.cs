using System.Diagnostics;
using Alliance.Workflows.Expressions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Tests.Support;
using static Alliance.Workflows.Tests.Support.Definitions;

namespace Alliance.Workflows.Tests;

public sealed class SandboxTests
{
    // Not a performance bound: it only tells "stopped" from "hung". The limits themselves are 100 ms, but a loaded
    // 2-core machine (CI with other work, niced test runs) has been seen to take 7 s of wall clock to get there.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly ExpressionEvaluator _evaluator = new();

    // An endless loop is stopped by whichever bound it meets first: the statement limit on an idle machine,
    // the 100 ms time limit on a loaded one. Both are bounded outcomes; which one depends on the CPU.
    [Theory]
    [InlineData("(function () { while (true) {} })()", "limit")]
    [InlineData("(function () { var a = []; while (true) { a.push('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' + a.length); } })()", "limit")]
    public void A_runaway_expression_is_stopped_within_bounds(string expression, string expected)
    {
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<ExpressionException>(() => _evaluator.Evaluate(expression, new Dictionary<string, System.Text.Json.Nodes.JsonNode?>()));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < HangGuard, $"took {clock.Elapsed}");
    }

    // Deep recursion meets the recursion limit long before any time limit; the time limit is raised here so that a
    // loaded machine cannot make the 100 ms bound fire first.
    [Fact]
    public void Unbounded_recursion_hits_the_recursion_limit()
    {
        var evaluator = new ExpressionEvaluator(new SandboxLimits { Timeout = TimeSpan.FromSeconds(30) });

        var error = Assert.Throws<ExpressionException>(() => evaluator.Evaluate("(function f(n) { return f(n + 1); })(0)", new Dictionary<string, System.Text.Json.Nodes.JsonNode?>()));

        Assert.Contains("recursion limit", error.Message, StringComparison.Ordinal);
    }

    // Found on a loaded machine: the sandbox's own warm-up timed out five times and a raw TimeoutException escaped.
    [Fact]
    public void A_sandbox_that_cannot_even_warm_up_in_time_is_a_bounded_expression_error()
    {
        var evaluator = new ExpressionEvaluator(new SandboxLimits { Timeout = TimeSpan.FromTicks(1) });

        var error = Assert.Throws<ExpressionException>(() => evaluator.Evaluate("1 + 1", new Dictionary<string, System.Text.Json.Nodes.JsonNode?>()));

        Assert.StartsWith("time limit of", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_slow_expression_hits_the_time_limit()
    {
        var evaluator = new ExpressionEvaluator(new SandboxLimits { MaxStatements = int.MaxValue });
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<ExpressionException>(() => evaluator.Evaluate("(function () { var i = 0; while (true) { i++; } })()", new Dictionary<string, System.Text.Json.Nodes.JsonNode?>()));

        Assert.Equal("time limit of 100 ms exceeded", error.Message);
        Assert.True(clock.Elapsed < HangGuard, $"took {clock.Elapsed}");
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


    // The globals are built as JavaScript values directly from the JSON nodes: they must be what JSON.parse of the
    // nodes' text gives, whatever the node holds (parsed JSON, CLR ints, decimals, strings that need escaping). The time
    // limit is raised: this checks values, and a loaded machine must not make the 100 ms bound fire first.
    [Fact]
    public void Globals_are_the_values_JSON_parse_would_give()
    {
        var evaluator = new ExpressionEvaluator(new SandboxLimits { Timeout = TimeSpan.FromSeconds(30) });
        var vars = System.Text.Json.Nodes.JsonNode.Parse("""{"s":"a\"b\\c\n\u4e2d","n":-0.5,"big":1e300,"t":true,"f":false,"z":null,"list":[1,"x",[],{}],"o":{"2":"two","1":"one"}}""")!.AsObject();
        vars["int"] = 7;
        vars["dec"] = 2.50m;
        vars["long"] = 9007199254740993L;
        var globals = new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["vars"] = vars, ["item"] = "text", ["payload"] = 3 };

        var inside = evaluator.Evaluate(
            "[JSON.stringify(vars) === JSON.stringify(JSON.parse(" + System.Text.Json.JsonSerializer.Serialize(vars.ToJsonString()) + ")), JSON.stringify(vars), Object.getPrototypeOf(vars) === Object.prototype, Array.isArray(vars.list), Object.keys(vars.o), item, payload + 1]",
            globals);

        Assert.True(inside![0]!.GetValue<bool>());
        Assert.Contains("\"s\":\"a\\\"b\\\\c\\n中\"", inside[1]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(inside[2]!.GetValue<bool>());
        Assert.True(inside[3]!.GetValue<bool>());
        Assert.Equal("[\"1\",\"2\"]", inside[4]!.ToJsonString());
        Assert.Equal("text", inside[5]!.GetValue<string>());
        Assert.Equal(4, inside[6]!.GetValue<double>());
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
