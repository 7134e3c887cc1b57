using Alliance.Workflows.Definitions;

namespace Alliance.Workflows.Tests.Support;

/// <summary>Builds definitions from JSON in tests; a definition that does not validate fails the test with its errors.</summary>
internal static class Definitions
{
    public static WorkflowDefinition Parse(string json, string file = "test.json")
    {
        var (definition, errors) = DefinitionLoader.Parse(json, file);
        Assert.True(definition is not null, string.Join(Environment.NewLine, errors));
        return definition!;
    }

    /// <summary>A definition from activities and connections given as JSON array bodies.</summary>
    public static WorkflowDefinition Flow(string id, string activities, string connections, int version = 1, string extra = "") =>
        Parse($$"""
        {
          "id": "{{id}}", "version": {{version}},
          "name": { "zh-CN": "测试", "en": "Test" },
          {{extra}}
          "activities": [ {{activities}} ],
          "connections": [ {{connections}} ]
        }
        """);

    /// <summary>Connections as "from:port->to" items.</summary>
    public static string Links(params string[] links) => string.Join(",", links.Select(l =>
    {
        var arrow = l.IndexOf("->", StringComparison.Ordinal);
        var colon = l.IndexOf(':', StringComparison.Ordinal);
        var (from, port) = colon > 0 && colon < arrow ? (l[..colon], l[(colon + 1)..arrow]) : (l[..arrow], "done");
        return $$"""{ "from": "{{from}}", "port": "{{port}}", "to": "{{l[(arrow + 2)..]}}" }""";
    }));
}
