using System.Text.Json.Serialization;

namespace Alliance.Workflows.Model;

/// <summary>The type of a human-task form field.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FieldType>))]
public enum FieldType
{
    [JsonStringEnumMemberName("text")] Text,
    [JsonStringEnumMemberName("number")] Number,
    [JsonStringEnumMemberName("boolean")] Boolean,
    [JsonStringEnumMemberName("date")] Date,
    [JsonStringEnumMemberName("choice")] Choice,

    /// <summary>An array of texts (e.g. several organisation ids): <c>max</c> items at most, each within <c>maxLength</c> and, with <c>options</c>, one of them.</summary>
    [JsonStringEnumMemberName("list")] List,
}

/// <summary>A form field of a human task, with its validation rules.</summary>
public sealed record FormField(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] FieldType Type,
    [property: JsonPropertyName("required")] bool Required = false,
    [property: JsonPropertyName("maxLength")] int? MaxLength = null,
    [property: JsonPropertyName("min")] double? Min = null,
    [property: JsonPropertyName("max")] double? Max = null,
    [property: JsonPropertyName("pattern")] string? Pattern = null,
    [property: JsonPropertyName("options")] IReadOnlyList<string>? Options = null);
