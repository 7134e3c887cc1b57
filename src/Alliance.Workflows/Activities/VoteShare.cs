using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Alliance.Workflows.Expressions;

namespace Alliance.Workflows.Activities;

/// <summary>
/// An exact share such as "more than half" (<c>&gt;1/2</c>) or "at least two thirds" (<c>&gt;=2/3</c>), compared in
/// integers so that no rounding can move a vote across the line. A Vote's <c>quorumShare</c> and <c>passShare</c>
/// expressions give one, either as that text or as <c>{ inclusive, num, den }</c>.
/// </summary>
public sealed record VoteShare(
    [property: JsonPropertyName("inclusive")] bool Inclusive,
    [property: JsonPropertyName("num")] int Numerator,
    [property: JsonPropertyName("den")] int Denominator)
{
    /// <summary>Whether <paramref name="count"/> out of <paramref name="total"/> reaches the share (never when the total is 0).</summary>
    public bool IsMetBy(int count, int total) =>
        total > 0 && (Inclusive
            ? (long)count * Denominator >= (long)Numerator * total
            : (long)count * Denominator > (long)Numerator * total);

    public override string ToString() => $"{(Inclusive ? ">=" : ">")}{Numerator}/{Denominator}";

    /// <summary>Reads an expression's value: <c>"&gt;1/2"</c>, <c>"&gt;=2/3"</c> or <c>{ inclusive, num, den }</c>.</summary>
    public static VoteShare From(JsonNode? value)
    {
        var share = value switch
        {
            JsonValue v when v.TryGetValue(out string? text) => Parse(text),
            JsonObject o => Of(o["inclusive"]?.GetValue<bool>() ?? false, Integer(o["num"]), Integer(o["den"])),
            _ => null,
        };
        return share ?? throw new ExpressionException($"expected a share such as \">1/2\", \">=2/3\" or {{ inclusive, num, den }}, got {value?.ToJsonString() ?? "null"}");
    }

    private static VoteShare? Parse(string text)
    {
        var span = text.Trim();
        var inclusive = span.StartsWith(">=", StringComparison.Ordinal);
        if (!inclusive && !span.StartsWith('>'))
        {
            return null;
        }

        var parts = span[(inclusive ? 2 : 1)..].Split('/');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var numerator)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var denominator)
            ? Of(inclusive, numerator, denominator)
            : null;
    }

    private static VoteShare? Of(bool inclusive, int? numerator, int? denominator) =>
        numerator is > 0 and var n && denominator is > 0 and var d && n <= d ? new VoteShare(inclusive, n, d) : null;

    private static int? Integer(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out double d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : null;
}
