using Alliance.Server.Features.Meetings;

namespace Alliance.Server.Features.Ui.Pages.Meetings;

/// <summary>The words for joint meetings: kinds, states, agenda points, outcomes, replies, ballots and thresholds.</summary>
public static class MeetingText
{
    public static readonly MeetingKind[] Kinds = [MeetingKind.Regular, MeetingKind.AdHoc, MeetingKind.Extraordinary, MeetingKind.Online];

    public static string Kind(MeetingKind kind) => kind switch
    {
        MeetingKind.Regular => UiText.L("例会", "Regular"),
        MeetingKind.AdHoc => UiText.L("临时会议", "Ad hoc"),
        MeetingKind.Extraordinary => UiText.L("专题会议", "Extraordinary"),
        MeetingKind.Online => UiText.L("线上会商", "Online"),
        _ => kind.ToString(),
    };

    public static string Status(MeetingStatus status) => status switch
    {
        MeetingStatus.Scheduled => UiText.L("征集议题", "Collecting the agenda"),
        MeetingStatus.AgendaFixed => UiText.L("已发通知", "Notice sent"),
        MeetingStatus.Open => UiText.L("会议进行中", "In session"),
        MeetingStatus.Closed => UiText.L("已散会", "Closed"),
        MeetingStatus.MinutesPublished => UiText.L("纪要已发布", "Minutes published"),
        MeetingStatus.Cancelled => UiText.L("已取消", "Cancelled"),
        _ => status.ToString(),
    };

    /// <summary>Whether the meeting is still ahead or running (listed first), rather than over.</summary>
    public static bool IsAhead(MeetingStatus status) => status is MeetingStatus.Scheduled or MeetingStatus.AgendaFixed or MeetingStatus.Open;

    public static string PointKind(AgendaPointKind kind) => kind switch
    {
        AgendaPointKind.Review => UiText.L("决议落实回顾", "Review"),
        AgendaPointKind.Deliberation => UiText.L("大事共议", "Deliberation"),
        AgendaPointKind.Decision => UiText.L("要事共决", "Decision"),
        AgendaPointKind.Consultation => UiText.L("急事共商", "Urgent consultation"),
        _ => kind.ToString(),
    };

    public static string Outcome(AgendaPointKind kind, AgendaOutcome outcome) => outcome switch
    {
        AgendaOutcome.Resolved when kind == AgendaPointKind.Decision => UiText.L("表决通过", "Passed"),
        AgendaOutcome.Resolved => UiText.L("已议定", "Resolved"),
        AgendaOutcome.Failed => UiText.L("表决未通过", "Failed"),
        AgendaOutcome.Deferred => UiText.L("缓议", "Deferred"),
        AgendaOutcome.Escalated => UiText.L("提交街道", "Escalated"),
        AgendaOutcome.Noted => UiText.L("已听取", "Noted"),
        _ => outcome.ToString(),
    };

    public static string Reply(MeetingReply? reply) => reply switch
    {
        MeetingReply.Attend => UiText.L("参会", "Attending"),
        MeetingReply.Absent => UiText.L("请假", "Absent"),
        MeetingReply.Deputy => UiText.L("委托参会", "Sends a deputy"),
        _ => UiText.L("未回复", "No reply"),
    };

    public static string Choice(BallotChoice choice) => choice switch
    {
        BallotChoice.For => UiText.L("赞成", "For"),
        BallotChoice.Against => UiText.L("反对", "Against"),
        BallotChoice.Abstain => UiText.L("弃权", "Abstain"),
        _ => choice.ToString(),
    };

    /// <summary>A threshold such as <c>&gt;1/2</c> in words: 过半数, 三分之二以上 ...</summary>
    public static string Threshold(string? threshold) => threshold switch
    {
        ">1/2" => UiText.L("过半数", "more than half"),
        ">=1/2" => UiText.L("半数以上", "at least half"),
        ">=2/3" => UiText.L("三分之二以上", "at least two thirds"),
        ">2/3" => UiText.L("超过三分之二", "more than two thirds"),
        null => "",
        _ => threshold,
    };

    /// <summary>The meeting's time in China Standard Time: <c>2026-03-02 09:00–11:00</c>, both ends in full when it spans days.</summary>
    public static string When(DateTime startsUtc, DateTime endsUtc)
    {
        var from = UiText.Time(startsUtc);
        var to = UiText.Time(endsUtc);
        return from[..10] == to[..10] ? $"{from}–{to[11..]}" : $"{from} – {to}";
    }
}
