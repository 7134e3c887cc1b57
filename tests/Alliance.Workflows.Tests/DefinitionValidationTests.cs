using System.Text.Json.Nodes;
using Alliance.Workflows.Definitions;

namespace Alliance.Workflows.Tests;

/// <summary>Loading validates everything; each error names the file, the JSON path and the problem.</summary>
public sealed class DefinitionValidationTests
{
    private const string Valid = """
        {
          "id": "probe", "version": 1, "name": { "zh-CN": "探针", "en": "Probe" },
          "activities": [
            { "id": "start", "type": "Start" },
            { "id": "check", "type": "Decision", "condition": "vars.ok === true" },
            { "id": "wait", "type": "WaitForMessage", "messageType": "Ping", "correlation": "'k'" },
            { "id": "end", "type": "End" }
          ],
          "connections": [
            { "from": "start", "port": "done", "to": "check" },
            { "from": "check", "port": "true", "to": "end" },
            { "from": "check", "port": "false", "to": "wait" },
            { "from": "wait", "port": "done", "to": "check" }
          ]
        }
        """;

    /// <summary>A mutation of the valid probe and the exact errors it must give (path | code | message).</summary>
    public static TheoryData<string, string, string[]> InvalidDefinitions => new()
    {
        { "unknown activity type", """{ "op": "set", "path": "activities.2.type", "value": "Sleep" }""",
            ["$.activities[2].type | unknown-activity-type | unknown activity type 'Sleep'"] },
        { "dangling connection", """{ "op": "set", "path": "connections.1.to", "value": "nowhere" }""",
            ["$.connections[1].to | dangling-connection | dangling connection: no activity 'nowhere'"] },
        { "bad port", """{ "op": "set", "path": "connections.1.port", "value": "yes" }""",
            ["$.connections[1].port | bad-connection | activity 'check' (Decision) has no outcome port 'yes'; ports: true, false"] },
        { "unreachable activity", """{ "op": "add", "path": "activities", "value": { "id": "orphan", "type": "SetStatus", "status": "x" } }""",
            ["$.activities[4] | unreachable-activity | activity 'orphan' is unreachable from Start"] },
        { "loop without a wait", """{ "op": "set", "path": "connections.2.to", "value": "check" }""",
            ["$.activities[2] | unreachable-activity | activity 'wait' is unreachable from Start", "$.activities[1] | loop-without-wait | loop without a wait: check -> check"] },
        { "expression syntax error", """{ "op": "set", "path": "activities.1.condition", "value": "vars.ok ===" }""",
            ["$.activities[1].condition | expression-syntax | expression syntax error: Unexpected token ')'"] },
        { "duplicate id", """{ "op": "set", "path": "activities.2.id", "value": "check" }""",
            ["$.activities[2].id | duplicate-id | duplicate activity id 'check' (first at $.activities[1])",
             "$.connections[2].to | dangling-connection | dangling connection: no activity 'wait'",
             "$.connections[3].from | dangling-connection | dangling connection: no activity 'wait'"] },
        { "missing required property", """{ "op": "remove", "path": "activities.2.messageType" }""",
            ["$.activities[2].messageType | missing-property | required property 'messageType' is missing"] },
        { "missing name", """{ "op": "remove", "path": "name" }""",
            ["$.name | missing-property | required property 'name' is missing"] },
        { "unknown property", """{ "op": "set", "path": "activities.1.when", "value": "x" }""",
            ["$.activities[1].when | schema | unknown property 'when'"] },
        { "wrong type", """{ "op": "set", "path": "version", "value": "one" }""",
            ["$.version | schema | expected integer, got string"] },
        { "bad duration", """{ "op": "set", "path": "activities.2", "value": { "id": "wait", "type": "Timer", "duration": "2 hours" } }""",
            ["$.activities[2].duration | schema | '2 hours' is neither an ISO 8601 duration (e.g. PT2H, P3D) nor an expression"] },
        { "two starts", """{ "op": "set", "path": "activities.3", "value": { "id": "end", "type": "Start" } }""",
            ["$.activities | start-count | a definition needs exactly one Start activity, found 2",
             "$.connections[1].to | bad-connection | a connection cannot lead into the Start activity 'end'"] },
        { "join without its fork", """{ "op": "set", "path": "activities.3", "value": { "id": "end", "type": "Join", "fork": "check" } }""",
            ["$.activities[3].fork | bad-reference | 'check' must be a Fork, not a Decision"] },
    };

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public void An_invalid_definition_is_refused_with_exact_errors(string problem, string mutation, string[] expected)
    {
        var json = Mutate(Valid, JsonNode.Parse(mutation)!.AsObject());

        var (definition, errors) = DefinitionLoader.Parse(json, "samples/probe.json");

        Assert.True(definition is null, problem);
        Assert.All(errors, e => Assert.Equal("samples/probe.json", e.File));
        Assert.Equal(expected, errors.Select(e => $"{e.Path} | {e.Code} | {e.Message}"));
    }

    [Fact]
    public void The_valid_probe_loads()
    {
        var (definition, errors) = DefinitionLoader.Parse(Valid, "probe.json");

        Assert.Empty(errors);
        Assert.Equal(4, definition!.Activities.Count);
    }

    [Fact]
    public void Invalid_definitions_never_go_live_while_the_valid_ones_load()
    {
        var folder = Directory.CreateTempSubdirectory("alliance-defs-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "schema.json"), "{ not even json");
            File.WriteAllText(Path.Combine(folder, "good.json"), Valid);
            Directory.CreateDirectory(Path.Combine(folder, "sub"));
            File.WriteAllText(Path.Combine(folder, "sub", "bad.json"), Valid.Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal).Replace("\"Ping\"", "\"\"", StringComparison.Ordinal));
            var registry = new DefinitionRegistry();

            var result = registry.LoadDirectory(folder);

            Assert.Equal(["probe@v1"], registry.All.Select(d => d.Key.ToString()));
            var error = Assert.Single(result.Errors);
            Assert.Equal("sub/bad.json", error.File);
            Assert.Equal("$.activities[2].messageType", error.Path);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Every_definition_in_the_workflows_folder_loads()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "workflows");
        var registry = new DefinitionRegistry();

        var result = registry.LoadDirectory(folder);

        Assert.Empty(result.Errors);
        Assert.Contains(registry.All, d => d.Id == "sample-review");
    }

    [Fact]
    public void The_published_schema_is_the_embedded_one_and_declares_draft_2020_12()
    {
        var published = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workflows", "schema.json"));
        var schema = JsonNode.Parse(DefinitionLoader.SchemaText)!;

        Assert.Equal(published, DefinitionLoader.SchemaText);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema["$schema"]!.GetValue<string>());
    }

    private static string Mutate(string json, JsonObject mutation)
    {
        var root = JsonNode.Parse(json)!;
        var parts = mutation["path"]!.GetValue<string>().Split('.');
        var parent = parts[..^1].Aggregate(root, (node, part) => int.TryParse(part, out var i) ? node[i]! : node[part]!);
        var last = parts[^1];
        var value = mutation["value"]?.DeepClone();
        switch (mutation["op"]!.GetValue<string>())
        {
            case "remove":
                parent.AsObject().Remove(last);
                break;
            case "add":
                parent[last]!.AsArray().Add(value);
                break;
            default:
                if (int.TryParse(last, out var index))
                {
                    parent[index] = value;
                }
                else
                {
                    parent[last] = value;
                }

                break;
        }

        return root.ToJsonString();
    }
}
