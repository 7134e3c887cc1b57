using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alliance.Server.Infrastructure.Api;

/// <summary>
/// Every string read from a request body is Unicode text a database can hold: control characters other than tab, line
/// feed and carriage return are refused (U+0000 cannot be stored in PostgreSQL text), as are broken surrogate pairs, and
/// the text is normalised to NFC so that the same words compare and count the same on both databases. The refusal
/// names the field (<see cref="JsonProblems"/>). Single-line fields refuse tab and line breaks too (<c>FieldErrors.Text</c>).
/// </summary>
public sealed class CleanTextConverter : JsonConverter<string>
{
    /// <summary>The <see cref="Exception.Data"/> key that tells <see cref="JsonProblems"/> why a text was refused.</summary>
    public const string ReasonKey = "alliance.text";

    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? Clean(reader.GetString()!) : throw new JsonException("Expected text.");

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Clean(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(value);
    }

    /// <summary>The text in NFC, or a <see cref="JsonException"/> saying why it cannot be stored.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (HasControl(text, allowLineBreaks: true))
        {
            throw Refused("control");
        }

        try
        {
            return text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            throw Refused("invalid");
        }
    }

    /// <summary>A control character (C0, DEL, C1); tab, line feed and carriage return only count when line breaks are not allowed.</summary>
    public static bool HasControl(string text, bool allowLineBreaks)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\n' or '\r'))
            {
                return true;
            }
        }

        return false;
    }

    private static JsonException Refused(string reason)
    {
        var exception = new JsonException(reason == "control" ? "The text contains control characters." : "The text is not valid Unicode.");
        exception.Data[ReasonKey] = reason;
        return exception;
    }
}
