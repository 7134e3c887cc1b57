using System.Reflection;
using System.Text.Json.Serialization;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;

namespace Alliance.Server.Infrastructure.Api;

/// <summary>How a value of a type is written on the wire, said in both languages, for the field errors of bad input.</summary>
public static class WireTypes
{
    /// <summary>The names a named choice accepts: its JSON member names (<c>jointTask</c>), in declaration order.</summary>
    public static IReadOnlyList<string> EnumNames(Type enumType)
    {
        ArgumentNullException.ThrowIfNull(enumType);
        return [.. enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name)];
    }

    /// <summary>The value of a named choice from its JSON member name (<c>jointTask</c>); null for a name it does not have.</summary>
    public static TEnum? Parse<TEnum>(string? wire)
        where TEnum : struct, Enum =>
        typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => (f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name) == wire)
            .Select(f => (TEnum?)f.GetValue(null)).FirstOrDefault();

    public static bool IsId(Type type) =>
        type == typeof(Guid) || type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IStronglyTypedId<>));

    /// <summary>"must be one of …" for a named choice; "must be a whole number" and the like for other types; null when nothing useful can be said.</summary>
    public static BilingualText? Expected(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            var names = string.Join(", ", EnumNames(type));
            return new($"只能取以下名称之一：{names}（不接受数字）。", $"Must be one of these names: {names} (numbers are not accepted).");
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.Byte or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 =>
                new("应为整数（在允许范围内）。", "Must be a whole number within range."),
            TypeCode.Decimal or TypeCode.Double or TypeCode.Single => new("应为数字。", "Must be a number."),
            TypeCode.Boolean => new("应为 true 或 false。", "Must be true or false."),
            TypeCode.String => new("应为文本。", "Must be text."),
            TypeCode.DateTime => new("应为带时区的 ISO 8601 时间，如 2026-12-07T08:20:18Z。", "Must be an ISO 8601 time with offset, e.g. 2026-12-07T08:20:18Z."),
            _ when IsId(type) => new("应为编号（UUID）。", "Must be an id (a UUID)."),
            _ when type == typeof(DateTimeOffset) => new("应为带时区的 ISO 8601 时间，如 2026-12-07T08:20:18Z。", "Must be an ISO 8601 time with offset, e.g. 2026-12-07T08:20:18Z."),
            _ when type == typeof(DateOnly) => new("应为日期，格式 yyyy-MM-dd。", "Must be a date, yyyy-MM-dd."),
            _ when type == typeof(TimeOnly) => new("应为时刻，格式 HH:mm。", "Must be a time of day, HH:mm."),
            _ when type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) => new("应为列表。", "Must be a list."),
            _ => null,
        };
    }
}
