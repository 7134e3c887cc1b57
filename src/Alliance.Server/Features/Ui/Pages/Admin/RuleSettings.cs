using System.Globalization;
using System.Text.Json;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Infrastructure.Problems;
using static Alliance.Server.Features.Ui.UiText;

namespace Alliance.Server.Features.Ui.Pages.Admin;

/// <summary>
/// The rules of procedure (议事规则) as a person reads and edits them: each setting with its Chinese name, in the unit
/// people count it in (days, hours, minutes, times), keyed by its field in the JSON body of PUT /api/alliances/{id}/rules
/// so that the operation's errors land beside the right box. The reminder lists and the time zone are shown, not edited.
/// </summary>
public static class RuleSettings
{
    public enum Unit
    {
        Days,
        Hours,
        Minutes,
        /// <summary>A whole number of times (次).</summary>
        Times,

        /// <summary>Points (分) of the year-end score.</summary>
        Points,

        /// <summary>A whole number of days (天), e.g. days of notice.</summary>
        DayCount,
        Threshold,
        Venue,
        Cron,
        Categories,
    }

    public sealed record Setting(string Field, string Zh, string En, Unit Unit, Func<RulesOfProcedure, object> Get, Action<RulesOfProcedure, object> Set);

    /// <summary>The shares a quorum or pass threshold usually takes.</summary>
    public static readonly IReadOnlyList<string> CommonThresholds = [">1/2", ">=1/2", ">=2/3", ">2/3", ">=3/4"];

    public static readonly IReadOnlyList<(string Zh, string En, IReadOnlyList<Setting> Settings)> Groups =
    [
        ("议事与表决", "Deliberation and votes",
        [
            new("opinionWindow", "大事共议：意见征集期", "Deliberation: opinion window", Unit.Days, r => r.OpinionWindow, (r, v) => r.OpinionWindow = (TimeSpan)v),
            new("decisionsAt", "要事共决：表决方式", "Decisions: where they are voted", Unit.Venue, r => r.DecisionsAt, (r, v) => r.DecisionsAt = (DecisionVenue)v),
            new("quorum", "要事共决：法定人数比例", "Decisions: quorum", Unit.Threshold, r => r.Quorum, (r, v) => r.Quorum = (Threshold)v),
            new("passThreshold", "要事共决：通过比例", "Decisions: pass threshold", Unit.Threshold, r => r.PassThreshold, (r, v) => r.PassThreshold = (Threshold)v),
            new("qualifiedPassThreshold", "要事共决：特别多数比例", "Decisions: qualified pass threshold", Unit.Threshold, r => r.QualifiedPassThreshold, (r, v) => r.QualifiedPassThreshold = (Threshold)v),
            new("qualifiedCategories", "需特别多数的事项类别", "Categories needing the qualified majority", Unit.Categories, r => r.QualifiedCategories, (r, v) => r.QualifiedCategories = (List<string>)v),
            new("intakeReviewDeadline", "受理审核期限", "Intake review deadline", Unit.Days, r => r.IntakeReviewDeadline, (r, v) => r.IntakeReviewDeadline = (TimeSpan)v),
            new("maxDeferrals", "缓议次数上限", "Most deferrals", Unit.Times, r => r.MaxDeferrals, (r, v) => r.MaxDeferrals = (int)v),
        ]),
        ("实事共办与急事共商", "Joint tasks and urgent matters",
        [
            new("claimWindow", "实事共办：认领期限", "Joint task: claim window", Unit.Days, r => r.ClaimWindow, (r, v) => r.ClaimWindow = (TimeSpan)v),
            new("verificationDeadline", "验收期限", "Verification deadline", Unit.Days, r => r.VerificationDeadline, (r, v) => r.VerificationDeadline = (TimeSpan)v),
            new("maxReworks", "最多返工次数", "Most reworks", Unit.Times, r => r.MaxReworks, (r, v) => r.MaxReworks = (int)v),
            new("urgentResponseWindow", "急事共商：响应期限", "Urgent: response window", Unit.Hours, r => r.UrgentResponseWindow, (r, v) => r.UrgentResponseWindow = (TimeSpan)v),
            new("urgentFirstResponseLimit", "急事共商：首次响应时限", "Urgent: first-response limit", Unit.Minutes, r => r.UrgentFirstResponseLimit, (r, v) => r.UrgentFirstResponseLimit = (TimeSpan)v),
            new("urgentTaskDeadline", "急事共商：任务期限", "Urgent: task deadline", Unit.Hours, r => r.UrgentTaskDeadline, (r, v) => r.UrgentTaskDeadline = (TimeSpan)v),
            new("escalationGrace", "逾期督办宽限期", "Escalation grace", Unit.Hours, r => r.EscalationGrace, (r, v) => r.EscalationGrace = (TimeSpan)v),
        ]),
        ("联席会议", "Joint meetings",
        [
            new("meetingSchedule", "例会时间（cron）", "Regular meetings (cron)", Unit.Cron, r => r.MeetingSchedule, (r, v) => r.MeetingSchedule = (string)v),
            new("meetingNoticeDays", "会议通知提前天数", "Notice days before a meeting", Unit.DayCount, r => r.MeetingNoticeDays, (r, v) => r.MeetingNoticeDays = (int)v),
            new("meetingLeadDays", "例会提前创建天数", "Days ahead a regular meeting is created", Unit.DayCount, r => r.MeetingLeadDays, (r, v) => r.MeetingLeadDays = (int)v),
        ]),
        ("资源共享", "Shared resources",
        [
            new("resourceApprovalDeadline", "预约审批期限", "Approval deadline", Unit.Days, r => r.ResourceApprovalDeadline, (r, v) => r.ResourceApprovalDeadline = (TimeSpan)v),
            new("bookingReminderOffset", "使用提醒提前量", "Reminder before use", Unit.Hours, r => r.BookingReminderOffset, (r, v) => r.BookingReminderOffset = (TimeSpan)v),
            new("bookingCancellationCutoff", "取消截止提前量", "Cancellation cut-off", Unit.Hours, r => r.BookingCancellationCutoff, (r, v) => r.BookingCancellationCutoff = (TimeSpan)v),
            new("bookingFeedbackWindow", "使用反馈期限", "Feedback window", Unit.Days, r => r.BookingFeedbackWindow, (r, v) => r.BookingFeedbackWindow = (TimeSpan)v),
            new("bookingHorizon", "最远可预约时间", "Booking horizon", Unit.Days, r => r.BookingHorizon, (r, v) => r.BookingHorizon = (TimeSpan)v),
        ]),
        ("共建承诺", "Commitments",
        [
            new("commitmentReportSchedule", "进展报送时间（cron）", "Report schedule (cron)", Unit.Cron, r => r.CommitmentReportSchedule, (r, v) => r.CommitmentReportSchedule = (string)v),
            new("commitmentReportWindow", "进展报送期限", "Report window", Unit.Days, r => r.CommitmentReportWindow, (r, v) => r.CommitmentReportWindow = (TimeSpan)v),
            new("commitmentAssessmentWindow", "年终评定期限", "Assessment window", Unit.Days, r => r.CommitmentAssessmentWindow, (r, v) => r.CommitmentAssessmentWindow = (TimeSpan)v),
        ]),
        ("年度考核", "Year-end assessment",
        [
            new("weightTimeliness", "权重：按时办结", "Weight: on time", Unit.Points, r => r.WeightTimeliness, (r, v) => r.WeightTimeliness = (int)v),
            new("weightSatisfaction", "权重：群众满意", "Weight: satisfaction", Unit.Points, r => r.WeightSatisfaction, (r, v) => r.WeightSatisfaction = (int)v),
            new("weightCommitments", "权重：承诺履行", "Weight: commitments", Unit.Points, r => r.WeightCommitments, (r, v) => r.WeightCommitments = (int)v),
            new("weightSharing", "权重：资源共享", "Weight: sharing", Unit.Points, r => r.WeightSharing, (r, v) => r.WeightSharing = (int)v),
            new("weightAttendance", "权重：会议出席", "Weight: attendance", Unit.Points, r => r.WeightAttendance, (r, v) => r.WeightAttendance = (int)v),
            new("sharingTarget", "资源共享满分次数", "Sharing for full marks", Unit.Times, r => r.SharingTarget, (r, v) => r.SharingTarget = (int)v),
            new("assessmentObjectionWindow", "考核异议期", "Objection window", Unit.Days, r => r.AssessmentObjectionWindow, (r, v) => r.AssessmentObjectionWindow = (TimeSpan)v),
        ]),
        ("类别表", "Categories",
        [
            new("categories", "服务类别表", "Category list", Unit.Categories, r => r.Categories, (r, v) => r.Categories = (List<string>)v),
        ]),
    ];

    public static IEnumerable<Setting> All => Groups.SelectMany(g => g.Settings);

    public static string Name(Setting setting) => L(setting.Zh, setting.En);

    /// <summary>A box's label with its unit, e.g. 受理审核期限（天）.</summary>
    public static string Label(Setting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var unit = Suffix(setting.Unit);
        return unit.Length == 0 ? Name(setting) : L($"{setting.Zh}（{unit}）", $"{setting.En} ({unit})");
    }

    /// <summary>The unit after a number, e.g. 天.</summary>
    public static string Suffix(Unit unit) => unit switch
    {
        Unit.Days or Unit.DayCount => L("天", "days"),
        Unit.Times => L("次", "times"),
        Unit.Points => L("分", "points"),
        Unit.Hours => L("小时", "hours"),
        Unit.Minutes => L("分钟", "minutes"),
        _ => "",
    };

    public static string Venue(DecisionVenue venue) => venue == DecisionVenue.Meeting ? L("会议表决", "At the joint meeting") : L("书面表决", "Written vote");

    public static string Share(Threshold threshold) =>
        $"{(threshold.Inclusive ? L("不少于", "at least ") : L("超过", "more than "))}{threshold.Numerator}/{threshold.Denominator}";

    /// <summary>A setting's value as its box holds it (a number in its unit, a threshold as &gt;1/2, categories joined by 、).</summary>
    public static string Text(Setting setting, RulesOfProcedure rules)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var value = setting.Get(rules);
        return setting.Unit switch
        {
            Unit.Days => Number(((TimeSpan)value).TotalDays),
            Unit.Hours => Number(((TimeSpan)value).TotalHours),
            Unit.Minutes => Number(((TimeSpan)value).TotalMinutes),
            Unit.Categories => string.Join("、", (List<string>)value),
            _ => value.ToString() ?? "",
        };
    }

    /// <summary>A setting's value in words, for reading.</summary>
    public static string Shown(Setting setting, RulesOfProcedure rules)
    {
        ArgumentNullException.ThrowIfNull(setting);
        return setting.Unit switch
        {
            Unit.Threshold => Share((Threshold)setting.Get(rules)),
            Unit.Venue => Venue((DecisionVenue)setting.Get(rules)),
            Unit.Times or Unit.Points or Unit.DayCount or Unit.Days or Unit.Hours or Unit.Minutes => $"{Text(setting, rules)} {Suffix(setting.Unit)}",
            _ => Text(setting, rules),
        };
    }

    /// <summary>Reminder offsets in words, e.g. 1 天、2 小时.</summary>
    public static string Offsets(IEnumerable<TimeSpan> offsets) =>
        string.Join("、", offsets.Select(o => o.TotalDays >= 1 && o.Ticks % TimeSpan.TicksPerDay == 0 ? $"{Number(o.TotalDays)} {L("天", "days")}" : $"{Number(o.TotalHours)} {L("小时", "hours")}"));

    /// <summary>The boxes of a form, read from <paramref name="rules"/>.</summary>
    public static Dictionary<string, string?> Boxes(RulesOfProcedure rules) => All.ToDictionary(s => s.Field, s => (string?)Text(s, rules), StringComparer.Ordinal);

    /// <summary>
    /// New rules from the boxes, on a copy of <paramref name="current"/> (what the form does not edit stays). A box that
    /// is not a number, a share or a known choice is a field error, in Chinese and English.
    /// </summary>
    public static RulesOfProcedure Read(RulesOfProcedure current, IReadOnlyDictionary<string, string?> boxes, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(errors);
        var rules = JsonSerializer.Deserialize<RulesOfProcedure>(JsonSerializer.Serialize(current))!;
        foreach (var setting in All)
        {
            var text = boxes.GetValueOrDefault(setting.Field)?.Trim() ?? "";
            object? value = setting.Unit switch
            {
                Unit.Days => Duration(text, TimeSpan.FromDays),
                Unit.Hours => Duration(text, TimeSpan.FromHours),
                Unit.Minutes => Duration(text, TimeSpan.FromMinutes),
                Unit.Times or Unit.Points or Unit.DayCount => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null,
                Unit.Threshold => Threshold.TryParse(text, out var t) ? t : null,
                Unit.Venue => Enum.TryParse<DecisionVenue>(text, out var v) ? v : null,
                Unit.Cron => text,
                _ => AdminText.Categories(text) ?? [],
            };
            if (value is null)
            {
                errors.Add(setting.Field, setting.Unit == Unit.Threshold ? $"{setting.Zh}须为如 >1/2 或 >=2/3 的比例。" : $"{setting.Zh}须为数字。",
                    setting.Unit == Unit.Threshold ? $"The {setting.En} must be a share such as >1/2 or >=2/3." : $"The {setting.En} must be a number.");
                continue;
            }

            setting.Set(rules, value);
        }

        return rules;
    }

    private static TimeSpan? Duration(string text, Func<double, TimeSpan> unit) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) && Math.Abs(n) < 100_000 ? unit(n) : null;

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
