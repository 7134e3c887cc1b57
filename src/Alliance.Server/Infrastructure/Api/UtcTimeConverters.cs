using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alliance.Server.Infrastructure.Api;

/// <summary>
/// Every <see cref="DateTime"/> on the wire is UTC and says so: written as ISO 8601 ending in <c>Z</c>
/// (<c>2026-12-07T08:20:18.17Z</c>, fractional seconds without trailing zeros). Stored values come back from SQLite as
/// <see cref="DateTimeKind.Unspecified"/>; they were written as UTC, so they are read as UTC. A value read from a body
/// with an offset is converted to UTC; one without an offset is taken as UTC.
/// </summary>
public sealed class UtcDateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReadUtc(ref reader);

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(AsUtc(value));
    }

    internal static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    internal static DateTime ReadUtc(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTime(out var value))
        {
            throw new JsonException("Expected a time in ISO 8601, e.g. 2026-12-07T08:20:18Z.");
        }

        return AsUtc(value);
    }
}

/// <summary>The same for <see cref="DateTimeOffset"/>: the instant is kept, written in UTC ending in <c>Z</c>.</summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(UtcDateTimeConverter.ReadUtc(ref reader), TimeSpan.Zero);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.UtcDateTime);
    }
}
