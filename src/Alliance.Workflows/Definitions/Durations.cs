using System.Xml;

namespace Alliance.Workflows.Definitions;

/// <summary>ISO 8601 durations ("PT2H", "P3D") as used by definitions.</summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            value = XmlConvert.ToTimeSpan(text);
            return value >= TimeSpan.Zero;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not an ISO 8601 duration");
}
