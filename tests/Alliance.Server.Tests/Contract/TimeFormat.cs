using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Alliance.Server.Tests.Contract;

/// <summary>The one time format of the contract: ISO 8601 in UTC ending in Z (docs/api.md).</summary>
internal static partial class TimeFormat
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T")]
    private static partial Regex LooksLikeTime();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$")]
    private static partial Regex UtcWithZ();

    /// <summary>Every string in the JSON that looks like a time and is not UTC-with-Z, with its path; and how many times were seen.</summary>
    public static (List<string> Bad, int Seen) Check(JsonNode? node, string path = "$")
    {
        var bad = new List<string>();
        var seen = 0;
        Walk(node, path);
        return (bad, seen);

        void Walk(JsonNode? n, string at)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        Walk(value, $"{at}.{key}");
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        Walk(a[i], $"{at}[{i}]");
                    }

                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String && LooksLikeTime().IsMatch(v.GetValue<string>()):
                    seen++;
                    if (!UtcWithZ().IsMatch(v.GetValue<string>()))
                    {
                        bad.Add($"{at} = {v.GetValue<string>()}");
                    }

                    break;
            }
        }
    }

    /// <summary>Every string in the JSON that looks like a time.</summary>
    public static IEnumerable<string> Times(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Times(p.Value)),
        JsonArray a => a.SelectMany(Times),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && LooksLikeTime().IsMatch(v.GetValue<string>()) => [v.GetValue<string>()],
        _ => [],
    };

    /// <summary>The types reachable from <paramref name="roots"/> through public properties, list elements and generic arguments, in the product's own assemblies.</summary>
    public static IReadOnlyCollection<Type> Reachable(IEnumerable<Type> roots)
    {
        var found = new HashSet<Type>();
        var queue = new Queue<Type>(roots);
        while (queue.TryDequeue(out var type))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type.IsArray)
            {
                queue.Enqueue(type.GetElementType()!);
                continue;
            }

            if (type.IsGenericType)
            {
                foreach (var argument in type.GetGenericArguments())
                {
                    queue.Enqueue(argument);
                }
            }

            if (type.Assembly.GetName().Name?.StartsWith("Alliance", StringComparison.Ordinal) != true || type.IsEnum || type.IsInterface
                || type.IsAbstract || type.IsGenericTypeDefinition || !found.Add(type))
            {
                continue;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                queue.Enqueue(property.PropertyType);
            }
        }

        return found;
    }

    public static bool HasTimes(Type type) => TimeFields(type).Any();

    /// <summary>The one instant every sample time stands for, and how it must be written.</summary>
    public const string SampleWritten = "2026-12-07T08:20:18.17Z";

    /// <summary>
    /// An instance whose times are all 2026-12-07 08:20:18.17 UTC, given as a <see cref="DateTime"/> of unspecified kind
    /// (as SQLite gives stored times back) or a <see cref="DateTimeOffset"/> at +08:00, and every other field at its default;
    /// a writer that does not make times UTC with Z shows.
    /// </summary>
    public static JsonNode? SerializeSample(Type type, JsonSerializerOptions options)
    {
        var instance = RuntimeHelpers.GetUninitializedObject(type);
        foreach (var field in TimeFields(type))
        {
            var t = Nullable.GetUnderlyingType(field.FieldType) ?? field.FieldType;
            field.SetValue(instance, t == typeof(DateTime)
                ? (object)new DateTime(2026, 12, 7, 8, 20, 18, 170, DateTimeKind.Unspecified)
                : new DateTimeOffset(2026, 12, 7, 16, 20, 18, 170, TimeSpan.FromHours(8)));
        }

        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => f.FieldType == typeof(JsonElement)))
            {
                field.SetValue(instance, JsonDocument.Parse("null").RootElement); // a default JsonElement cannot be written
            }
        }

        return JsonSerializer.SerializeToNode(instance, type, options);
    }

    private static IEnumerable<FieldInfo> TimeFields(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var ft = Nullable.GetUnderlyingType(field.FieldType) ?? field.FieldType;
                if (ft == typeof(DateTime) || ft == typeof(DateTimeOffset))
                {
                    yield return field;
                }
            }
        }
    }
}
