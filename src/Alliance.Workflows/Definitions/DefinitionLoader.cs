using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Workflows.Activities;

namespace Alliance.Workflows.Definitions;

/// <summary>
/// Loads definitions from JSON: JSON Schema (workflows/schema.json, embedded) first, then the typed model, then the
/// semantic checks. Every error names the file, the JSON path and the problem; a file with any error yields no definition.
/// </summary>
public static class DefinitionLoader
{
    private static readonly JsonSerializerOptions Options = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly Lazy<JsonSchemaValidator> Schema = new(() => new JsonSchemaValidator(LoadSchema()));

    /// <summary>The published schema (workflows/schema.json) as embedded in this library.</summary>
    public static string SchemaText
    {
        get
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Alliance.Workflows.schema.json")
                ?? throw new InvalidOperationException("schema.json is not embedded");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Loads every *.json file under <paramref name="directory"/> (recursively) except schema.json.</summary>
    public static LoadResult LoadDirectory(string directory)
    {
        var definitions = new List<WorkflowDefinition>();
        var errors = new List<DefinitionError>();
        var files = Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories)
            .Where(f => !string.Equals(Path.GetFileName(f), "schema.json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var name = Path.GetRelativePath(directory, file).Replace('\\', '/');
            var (definition, fileErrors) = Parse(File.ReadAllText(file), name);
            errors.AddRange(fileErrors);
            if (definition is not null)
            {
                definitions.Add(definition);
            }
        }

        return new LoadResult(definitions, errors);
    }

    /// <summary>Parses and validates one definition; the definition is null when there is any error.</summary>
    public static (WorkflowDefinition? Definition, IReadOnlyList<DefinitionError> Errors) Parse(string json, string file)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return (null, [new DefinitionError(file, "$", DefinitionErrorCodes.InvalidJson, $"invalid JSON: {ex.Message}")]);
        }

        var errors = UnknownTypes(root, file);
        var unknownPaths = errors.Select(e => e.Path[..e.Path.LastIndexOf('.')]).ToList();
        errors.AddRange(Schema.Value.Validate(root)
            .Where(e => !unknownPaths.Any(u => e.Path == u || e.Path.StartsWith(u + ".", StringComparison.Ordinal) || e.Path.StartsWith(u + "[", StringComparison.Ordinal)))
            .Select(e => new DefinitionError(file, e.Path, e.Code, e.Message)));
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        WorkflowDefinition definition;
        try
        {
            definition = Build((JsonObject)root!, file);
        }
        catch (JsonException ex)
        {
            return (null, [new DefinitionError(file, ex.Path ?? "$", DefinitionErrorCodes.Schema, ex.Message)]);
        }

        errors.AddRange(SemanticValidator.Validate(definition));
        return errors.Count > 0 ? (null, errors) : (definition, errors);
    }

    private static WorkflowDefinition Build(JsonObject root, string file)
    {
        var definition = root.Deserialize<WorkflowDefinition>(Options)!;
        var activities = new List<Activity>();
        var nodes = root["activities"]!.AsArray();
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i]!;
            var type = ActivityTypes.Find(node["type"]!.GetValue<string>())!;
            try
            {
                activities.Add((Activity)node.Deserialize(type, Options)!);
            }
            catch (JsonException ex)
            {
                throw new JsonException(ex.Message, $"$.activities[{i}]{ex.Path?.TrimStart('$')}", ex.LineNumber, ex.BytePositionInLine, ex);
            }
        }

        return definition with { Activities = activities, SourceFile = file };
    }

    private static List<DefinitionError> UnknownTypes(JsonNode? root, string file)
    {
        var errors = new List<DefinitionError>();
        if (root?["activities"] is not JsonArray activities)
        {
            return errors;
        }

        for (var i = 0; i < activities.Count; i++)
        {
            if (activities[i]?["type"] is JsonValue value && value.TryGetValue(out string? type) && ActivityTypes.Find(type) is null)
            {
                errors.Add(new DefinitionError(file, $"$.activities[{i}].type", DefinitionErrorCodes.UnknownActivityType, $"unknown activity type '{type}'"));
            }
        }

        return errors;
    }

    private static JsonObject LoadSchema() => JsonNode.Parse(SchemaText)!.AsObject();
}
