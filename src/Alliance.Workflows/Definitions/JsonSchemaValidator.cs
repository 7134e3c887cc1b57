using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Alliance.Workflows.Definitions;

/// <summary>
/// A validator for the subset of JSON Schema draft 2020-12 that workflows/schema.json uses: type, enum, const,
/// required, properties, additionalProperties, items, minItems, minLength, pattern, minimum, maximum,
/// $ref (local "#/$defs/..."), allOf, anyOf, oneOf, not, if/then/else. Annotations are ignored.
/// </summary>
internal sealed class JsonSchemaValidator(JsonObject root)
{
    public List<(string Path, string Code, string Message)> Validate(JsonNode? instance)
    {
        var errors = new List<(string, string, string)>();
        Check(root, instance, "$", errors);
        return errors;
    }

    private bool IsValid(JsonNode schema, JsonNode? instance, string path)
    {
        var errors = new List<(string, string, string)>();
        Check(schema, instance, path, errors);
        return errors.Count == 0;
    }

    private void Check(JsonNode schema, JsonNode? instance, string path, List<(string, string, string)> errors)
    {
        if (schema is JsonValue boolean && boolean.TryGetValue(out bool allowed))
        {
            if (!allowed)
            {
                errors.Add((path, DefinitionErrorCodes.Schema, "not allowed here"));
            }

            return;
        }

        if (schema is not JsonObject s)
        {
            return;
        }

        if (s["$ref"] is JsonValue reference)
        {
            Check(Resolve(reference.GetValue<string>()), instance, path, errors);
        }

        var kind = instance?.GetValueKind() ?? JsonValueKind.Null;
        if (s["type"] is { } type && !MatchesType(type, instance, kind))
        {
            errors.Add((path, DefinitionErrorCodes.Schema, $"expected {TypeText(type)}, got {KindName(instance, kind)}"));
            return;
        }

        if (s["const"] is { } constant && !JsonNode.DeepEquals(constant, instance))
        {
            errors.Add((path, DefinitionErrorCodes.Schema, $"must be {constant.ToJsonString()}"));
        }

        if (s["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, instance)))
        {
            errors.Add((path, DefinitionErrorCodes.Schema, $"value {instance?.ToJsonString() ?? "null"} is not one of: {string.Join(", ", options.Select(o => o?.ToString()))}"));
        }

        CheckString(s, instance, kind, path, errors);
        CheckNumber(s, instance, kind, path, errors);
        CheckObject(s, instance as JsonObject, path, errors);
        CheckArray(s, instance as JsonArray, path, errors);
        CheckCombinators(s, instance, path, errors);
    }

    private static void CheckString(JsonObject s, JsonNode? instance, JsonValueKind kind, string path, List<(string, string, string)> errors)
    {
        if (kind != JsonValueKind.String)
        {
            return;
        }

        var text = instance!.GetValue<string>();
        if (s["minLength"] is JsonValue min && text.Length < min.GetValue<int>())
        {
            errors.Add((path, DefinitionErrorCodes.Schema, $"must have at least {min} character(s)"));
        }

        if (s["pattern"] is JsonValue pattern && !Regex.IsMatch(text, pattern.GetValue<string>(), RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            errors.Add((path, DefinitionErrorCodes.Schema, $"\"{text}\" does not match {pattern}"));
        }
    }

    private static void CheckNumber(JsonObject s, JsonNode? instance, JsonValueKind kind, string path, List<(string, string, string)> errors)
    {
        if (kind != JsonValueKind.Number)
        {
            return;
        }

        var number = instance!.GetValue<double>();
        if (s["minimum"] is JsonValue min && number < min.GetValue<double>())
        {
            errors.Add((path, DefinitionErrorCodes.Schema, $"must be at least {min}"));
        }

        if (s["maximum"] is JsonValue max && number > max.GetValue<double>())
        {
            errors.Add((path, DefinitionErrorCodes.Schema, $"must be at most {max}"));
        }
    }

    private void CheckObject(JsonObject s, JsonObject? instance, string path, List<(string, string, string)> errors)
    {
        if (instance is null)
        {
            return;
        }

        if (s["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => r!.GetValue<string>()).Where(n => !instance.ContainsKey(n)))
            {
                errors.Add(($"{path}.{name}", DefinitionErrorCodes.MissingProperty, $"required property '{name}' is missing"));
            }
        }

        var properties = s["properties"] as JsonObject;
        foreach (var (name, value) in instance)
        {
            var childPath = $"{path}.{name}";
            if (properties?[name] is { } propertySchema)
            {
                Check(propertySchema, value, childPath, errors);
            }
            else if (s["additionalProperties"] is { } additional)
            {
                if (additional is JsonValue flag && flag.TryGetValue(out bool allowed) && !allowed)
                {
                    errors.Add((childPath, DefinitionErrorCodes.Schema, $"unknown property '{name}'"));
                }
                else
                {
                    Check(additional, value, childPath, errors);
                }
            }
        }
    }

    private void CheckArray(JsonObject s, JsonArray? instance, string path, List<(string, string, string)> errors)
    {
        if (instance is null)
        {
            return;
        }

        if (s["minItems"] is JsonValue min && instance.Count < min.GetValue<int>())
        {
            errors.Add((path, DefinitionErrorCodes.Schema, $"must have at least {min} item(s)"));
        }

        if (s["items"] is { } items)
        {
            for (var i = 0; i < instance.Count; i++)
            {
                Check(items, instance[i], $"{path}[{i}]", errors);
            }
        }
    }

    private void CheckCombinators(JsonObject s, JsonNode? instance, string path, List<(string, string, string)> errors)
    {
        if (s["allOf"] is JsonArray all)
        {
            foreach (var sub in all)
            {
                Check(sub!, instance, path, errors);
            }
        }

        if (s["anyOf"] is JsonArray any && !any.Any(sub => IsValid(sub!, instance, path)))
        {
            errors.Add((path, DefinitionErrorCodes.Schema, "matches none of the allowed shapes"));
        }

        if (s["oneOf"] is JsonArray one)
        {
            var matches = one.Count(sub => IsValid(sub!, instance, path));
            if (matches != 1)
            {
                errors.Add((path, DefinitionErrorCodes.Schema, matches == 0 ? "matches none of the allowed shapes" : "matches more than one of the exclusive shapes"));
            }
        }

        if (s["not"] is { } not && IsValid(not, instance, path))
        {
            errors.Add((path, DefinitionErrorCodes.Schema, "matches a forbidden shape"));
        }

        if (s["if"] is { } condition)
        {
            var branch = IsValid(condition, instance, path) ? s["then"] : s["else"];
            if (branch is not null)
            {
                Check(branch, instance, path, errors);
            }
        }
    }

    private JsonNode Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"only local $ref is supported: {reference}");
        }

        JsonNode? node = root;
        foreach (var part in reference[2..].Split('/'))
        {
            node = node?[part];
        }

        return node ?? throw new InvalidOperationException($"unresolved $ref {reference}");
    }

    private static bool MatchesType(JsonNode type, JsonNode? instance, JsonValueKind kind) => type switch
    {
        JsonArray types => types.Any(t => MatchesOne(t!.GetValue<string>(), instance, kind)),
        _ => MatchesOne(type.GetValue<string>(), instance, kind),
    };

    private static bool MatchesOne(string type, JsonNode? instance, JsonValueKind kind) => type switch
    {
        "object" => kind == JsonValueKind.Object,
        "array" => kind == JsonValueKind.Array,
        "string" => kind == JsonValueKind.String,
        "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
        "null" => kind == JsonValueKind.Null,
        "number" => kind == JsonValueKind.Number,
        "integer" => kind == JsonValueKind.Number && Math.Abs(instance!.GetValue<double>() % 1) < double.Epsilon,
        _ => true,
    };

    private static string TypeText(JsonNode type) => type is JsonArray a ? string.Join(" or ", a.Select(t => t!.ToString())) : type.ToString();

    private static string KindName(JsonNode? instance, JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number " + instance!.ToJsonString(),
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
