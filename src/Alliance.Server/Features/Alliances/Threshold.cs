using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alliance.Server.Features.Alliances;

/// <summary>
/// An exact share such as "more than half" (<c>&gt;1/2</c>) or "at least two thirds" (<c>&gt;=2/3</c>).
/// Written and stored as that text, so that no rounding of decimals can move a vote across the line.
/// </summary>
[JsonConverter(typeof(ThresholdJsonConverter))]
public readonly record struct Threshold(bool Inclusive, int Numerator, int Denominator)
{
    public static readonly Threshold MoreThanHalf = new(false, 1, 2);

    public static readonly Threshold AtLeastTwoThirds = new(true, 2, 3);

    /// <summary>Whether <paramref name="count"/> out of <paramref name="total"/> reaches this share.</summary>
    public bool IsMetBy(int count, int total) =>
        total > 0 && (Inclusive
            ? (long)count * Denominator >= (long)Numerator * total
            : (long)count * Denominator > (long)Numerator * total);

    public override string ToString() => $"{(Inclusive ? ">=" : ">")}{Numerator}/{Denominator}";

    public static bool TryParse(string? text, out Threshold threshold)
    {
        threshold = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.Trim();
        var inclusive = span.StartsWith(">=", StringComparison.Ordinal);
        if (!inclusive && !span.StartsWith('>'))
        {
            return false;
        }

        var parts = span[(inclusive ? 2 : 1)..].Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var numerator)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var denominator)
            || denominator <= 0 || numerator <= 0 || numerator > denominator)
        {
            return false;
        }

        threshold = new(inclusive, numerator, denominator);
        return true;
    }

    public static Threshold Parse(string text) =>
        TryParse(text, out var threshold) ? threshold : throw new FormatException($"'{text}' is not a threshold such as >1/2 or >=2/3.");
}

internal sealed class ThresholdJsonConverter : JsonConverter<Threshold>
{
    public override Threshold Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Threshold.TryParse(reader.GetString(), out var threshold)
            ? threshold
            : throw new JsonException("Expected a threshold such as \">1/2\" or \">=2/3\".");

    public override void Write(Utf8JsonWriter writer, Threshold value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
