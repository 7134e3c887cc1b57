using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Alliance.Server.Infrastructure.Persistence;

/// <summary>
/// Stores a list of small records (opening hours, exception dates) as one JSON text column, the same on SQLite and
/// PostgreSQL. Compared by content, so that replacing the list with an equal one is not a change.
/// </summary>
public sealed class JsonListConverter<T>() : ValueConverter<List<T>, string>(list => Write(list), text => Read(text))
{
    internal static string Write(List<T>? list) => JsonSerializer.Serialize(list ?? [], JsonListComparer.Options);

    internal static List<T> Read(string text) => JsonSerializer.Deserialize<List<T>>(text, JsonListComparer.Options) ?? [];
}

/// <summary>Compares JSON-stored lists by content.</summary>
public static class JsonListComparer
{
    internal static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static ValueComparer<List<T>> For<T>() => new(
        (a, b) => JsonListConverter<T>.Write(a) == JsonListConverter<T>.Write(b),
        list => JsonListConverter<T>.Write(list).GetHashCode(StringComparison.Ordinal),
        list => JsonListConverter<T>.Read(JsonListConverter<T>.Write(list)));
}
