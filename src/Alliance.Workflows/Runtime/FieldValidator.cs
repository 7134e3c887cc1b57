using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alliance.Workflows.Model;

namespace Alliance.Workflows.Runtime;

/// <summary>Validates the fields submitted with a human task against its form definition; every bad field is named.</summary>
internal static class FieldValidator
{
    public static IReadOnlyList<FieldError> Validate(IReadOnlyList<FormField> fields, JsonObject values)
    {
        var errors = new List<FieldError>();
        foreach (var name in values.Select(p => p.Key).Where(k => fields.All(f => f.Name != k)))
        {
            errors.Add(new FieldError(name, "未知字段", "unknown field"));
        }

        foreach (var field in fields)
        {
            var value = values[field.Name];
            if (value is null || (value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length == 0)
                || (field.Type == FieldType.List && value is JsonArray { Count: 0 }))
            {
                if (field.Required)
                {
                    errors.Add(new FieldError(field.Name, "必填", "required"));
                }

                continue;
            }

            var error = Check(field, value);
            if (error is not null)
            {
                errors.Add(error);
            }
        }

        return errors;
    }

    private static FieldError? Check(FormField field, JsonNode value)
    {
        var kind = value.GetValueKind();
        switch (field.Type)
        {
            case FieldType.Number:
                if (kind != JsonValueKind.Number)
                {
                    return new FieldError(field.Name, "应为数字", "must be a number");
                }

                var number = double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
                if (number < field.Min || number > field.Max)
                {
                    return new FieldError(field.Name, $"应在 {field.Min} 到 {field.Max} 之间", $"must be between {field.Min} and {field.Max}");
                }

                return null;
            case FieldType.Boolean:
                return kind is JsonValueKind.True or JsonValueKind.False ? null : new FieldError(field.Name, "应为是/否", "must be true or false");
            case FieldType.Date:
                return kind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                    ? null
                    : new FieldError(field.Name, "应为日期", "must be a date");
            case FieldType.Choice:
                return kind == JsonValueKind.String && (field.Options ?? []).Contains(value.GetValue<string>())
                    ? null
                    : new FieldError(field.Name, $"应为以下之一：{string.Join("、", field.Options ?? [])}", $"must be one of: {string.Join(", ", field.Options ?? [])}");
            case FieldType.List:
                return CheckList(field, value);
            default:
                if (kind != JsonValueKind.String)
                {
                    return new FieldError(field.Name, "应为文本", "must be text");
                }

                var text = value.GetValue<string>();
                if (text.Length > field.MaxLength)
                {
                    return new FieldError(field.Name, $"最多 {field.MaxLength} 个字符", $"must be at most {field.MaxLength} characters");
                }

                if (field.Pattern is not null && !Regex.IsMatch(text, field.Pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100)))
                {
                    return new FieldError(field.Name, "格式不正确", $"must match {field.Pattern}");
                }

                return null;
        }
    }

    private static FieldError? CheckList(FormField field, JsonNode value)
    {
        if (value is not JsonArray array || array.Any(e => e is null || e.GetValueKind() != JsonValueKind.String))
        {
            return new FieldError(field.Name, "应为文本列表", "must be a list of texts");
        }

        var texts = array.Select(e => e!.GetValue<string>()).ToList();
        if (field.Max is { } max && texts.Count > max)
        {
            return new FieldError(field.Name, $"最多 {max} 项", $"must have at most {max} entries");
        }

        if (texts.Distinct(StringComparer.Ordinal).Count() != texts.Count)
        {
            return new FieldError(field.Name, "不能重复", "must not repeat an entry");
        }

        if (texts.Exists(t => t.Length == 0 || t.Length > field.MaxLength))
        {
            return new FieldError(field.Name, $"每项须为 1 到 {field.MaxLength} 个字符", $"each entry must be 1 to {field.MaxLength} characters");
        }

        return field.Options is { } options && texts.Exists(t => !options.Contains(t))
            ? new FieldError(field.Name, $"每项应为以下之一：{string.Join("、", options)}", $"each entry must be one of: {string.Join(", ", options)}")
            : null;
    }
}
