using Alliance.Server.Features.Access;
using Alliance.Server.Features.Meetings;

namespace Alliance.Server.Features.Ui.Pages.Meetings;

/// <summary>
/// One action on the meeting page: <paramref name="where"/> names the part of the page that acted (its feedback shows
/// there), <paramref name="done"/> is said when it worked, and <paramref name="action"/> calls
/// <see cref="MeetingOperations"/>, which checks scope and role and answers the meeting as it stands after it.
/// Answers whether it worked; a refusal (403, 409, field errors) becomes <see cref="MeetingFeedback"/>, never an error page.
/// </summary>
public delegate Task<bool> MeetingAct(string where, string done, Func<MeetingOperations, AccessScope, Task<MeetingView>> action);

/// <summary>What the last action said, and where: a notice when it worked, else the refusal and the fields it names.</summary>
public sealed record MeetingFeedback(string Where, string? Done, string? Refusal, IReadOnlyDictionary<string, string> Fields)
{
    public static readonly MeetingFeedback None = new("", null, null, new Dictionary<string, string>());

    /// <summary>The error of a field, when the last action was here and named it.</summary>
    public string? Error(string where, string field) => Where == where ? Fields.GetValueOrDefault(field) : null;
}
