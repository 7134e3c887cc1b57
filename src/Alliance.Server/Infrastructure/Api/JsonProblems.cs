using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Alliance.Server.Infrastructure.Api;

/// <summary>
/// A request body that cannot be read becomes a field error naming the field by its JSON path (<c>kind</c>,
/// <c>slots[0].start</c>; <c>body</c> for the body as a whole) and saying what the field accepts, e.g. the names of a
/// named choice.
/// </summary>
public static partial class JsonProblems
{
    public static ValidationProblem ToProblem(HttpContext http, BadHttpRequestException exception)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.InnerException is not JsonException json)
        {
            var parameter = ParameterName().Match(exception.Message);
            return parameter.Success && !exception.Message.Contains("body", StringComparison.Ordinal)
                ? ValidationProblem.For(parameter.Groups["name"].Value, "缺少此项，或其值无法识别。", "Missing, or its value cannot be read.")
                : ValidationProblem.For("body", "请求正文缺失或无法读取，请以 JSON 提交。", "The request body is missing or unreadable; send JSON.");
        }

        var field = FieldOf(json.Path);
        if (json.Data[CleanTextConverter.ReasonKey] is string reason)
        {
            return reason == "control"
                ? ValidationProblem.For(field, "不能包含控制字符（长文本中的换行和制表符除外）。", "Must not contain control characters (except line breaks and tabs in long texts).")
                : ValidationProblem.For(field, "不是有效的 Unicode 文本。", "Is not valid Unicode text.");
        }

        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        // The exception handler has cleared the endpoint from the context; its feature keeps it.
        var endpoint = http.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint ?? http.GetEndpoint();
        var root = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var declared = root is null || field == "body" ? null : TypeAt(options, root, json.Path!);
        var expected = declared is null ? null : WireTypes.Expected(declared);
        if (field == "body" || declared is null)
        {
            // Not JSON, or a path the body does not have (a syntax error part-way): the body as a whole is named.
            return ValidationProblem.For("body", "请求正文不是有效的 JSON 对象。", "The request body is not a valid JSON object of the expected shape.");
        }

        return expected is { } text
            ? ValidationProblem.For(field, text.Zh, text.En)
            : ValidationProblem.For(field, "值的类型或格式不正确。", "The value has the wrong type or format.");
    }

    /// <summary><c>$.slots[0].start</c> → <c>slots[0].start</c>; <c>$</c> or nothing → <c>body</c>.</summary>
    public static string FieldOf(string? path) =>
        path is null || path == "$" || !path.StartsWith('$') ? "body" : path.TrimStart('$').TrimStart('.');

    /// <summary>The declared type at a JSON path of a body type, following properties and list elements.</summary>
    private static Type? TypeAt(JsonSerializerOptions options, Type root, string path)
    {
        var type = root;
        foreach (var part in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Split('[')[0];
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (name.Length > 0)
            {
                JsonTypeInfo info;
                try
                {
                    info = options.GetTypeInfo(type);
                }
                catch (NotSupportedException)
                {
                    return null;
                }

                var property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                if (property is null)
                {
                    return null;
                }

                type = property.PropertyType;
            }

            for (var i = part.Count(c => c == '['); i > 0; i--)
            {
                type = ElementOf(type);
                if (type is null)
                {
                    return null;
                }
            }
        }

        return type;
    }

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    /// <summary>The parameter in the framework's binding messages: <c>Failed to bind parameter "int page" from "x".</c>, <c>Required parameter "Guid id" was not provided ….</c></summary>
    [System.Text.RegularExpressions.GeneratedRegex("parameter \"[^\"]* (?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial System.Text.RegularExpressions.Regex ParameterName();
}
