using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Alliance.Workflows.Definitions;

/// <summary>The JSON type of an input or variable.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ValueType>))]
public enum ValueType
{
    [JsonStringEnumMemberName("string")] String,
    [JsonStringEnumMemberName("number")] Number,
    [JsonStringEnumMemberName("boolean")] Boolean,
    [JsonStringEnumMemberName("object")] Object,
    [JsonStringEnumMemberName("array")] Array,
    [JsonStringEnumMemberName("datetime")] DateTime,
}

/// <summary>A typed input given when an instance starts.</summary>
public sealed record InputDefinition(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] ValueType Type,
    [property: JsonPropertyName("required")] bool Required = false);

/// <summary>A workflow variable with its type and optional default value.</summary>
public sealed record VariableDefinition(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] ValueType Type,
    [property: JsonPropertyName("default")] JsonNode? Default = null);
