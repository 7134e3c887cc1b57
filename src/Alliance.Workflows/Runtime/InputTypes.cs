using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alliance.Workflows.Runtime;

/// <summary>Checks a JSON value against a declared input type.</summary>
internal static class InputTypes
{
    public static bool Matches(Definitions.ValueType type, JsonNode value)
    {
        var kind = value.GetValueKind();
        return type switch
        {
            Definitions.ValueType.String => kind == JsonValueKind.String,
            Definitions.ValueType.Number => kind == JsonValueKind.Number,
            Definitions.ValueType.Boolean => kind is JsonValueKind.True or JsonValueKind.False,
            Definitions.ValueType.Object => kind == JsonValueKind.Object,
            Definitions.ValueType.Array => kind == JsonValueKind.Array,
            _ => kind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        };
    }
}
