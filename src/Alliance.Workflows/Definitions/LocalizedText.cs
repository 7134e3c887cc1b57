using System.Text.Json.Serialization;

namespace Alliance.Workflows.Definitions;

/// <summary>A text in Chinese (zh-CN, first) and English.</summary>
public sealed record LocalizedText(
    [property: JsonPropertyName("zh-CN")] string ZhCn,
    [property: JsonPropertyName("en")] string En)
{
    public override string ToString() => ZhCn;
}
