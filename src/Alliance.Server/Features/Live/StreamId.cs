using System.Diagnostics.CodeAnalysis;

namespace Alliance.Server.Features.Live;

/// <summary>
/// A live stream: a kind and the id of the thing it follows, written <c>kind:guid</c> (lower case, the Guid in
/// its 36-character form), e.g. <c>item:0b6f...</c>, <c>alliance:...</c>, <c>inbox:{organisationId}</c>,
/// <c>supervision:{streetOrDistrictId}</c>, <c>meeting:{id}</c>.
/// </summary>
public readonly record struct StreamId(string Kind, Guid Key)
{
    public const string Item = "item";
    public const string Alliance = "alliance";
    public const string Inbox = "inbox";
    public const string Supervision = "supervision";
    public const string Meeting = "meeting";

    public override string ToString() => $"{Kind}:{Key:D}";

    public static StreamId For(string kind, Guid key) => new(kind, key);

    /// <summary>Parses <c>kind:guid</c>; the kind must be lower-case letters, the Guid any form .NET reads.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out StreamId stream)
    {
        stream = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 80)
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !Guid.TryParse(text.AsSpan(colon + 1), out var key))
        {
            return false;
        }

        var kind = text[..colon];
        if (!kind.All(char.IsAsciiLetterLower))
        {
            return false;
        }

        stream = new StreamId(kind, key);
        return true;
    }
}
