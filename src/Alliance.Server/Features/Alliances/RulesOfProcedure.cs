using System.Text.Json.Serialization;
using Alliance.Server.Infrastructure.Problems;

namespace Alliance.Server.Features.Alliances;

/// <summary>
/// An alliance's rules of procedure (议事规则). Every number the routes use is here, per alliance, never a
/// constant in code. The defaults are the common practice described in the domain notes.
/// </summary>
public sealed class RulesOfProcedure
{
    /// <summary>大事共议: how long member units may give opinions on a deliberation item.</summary>
    public TimeSpan OpinionWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>实事共办: how long a published joint task waits for a unit to claim it.</summary>
    public TimeSpan ClaimWindow { get; set; } = TimeSpan.FromDays(3);

    /// <summary>急事共商: how long member units have to respond to an urgent consultation.</summary>
    public TimeSpan UrgentResponseWindow { get; set; } = TimeSpan.FromHours(2);

    /// <summary>急事共商: escalate to the street when no member has responded within this time.</summary>
    public TimeSpan UrgentFirstResponseLimit { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>急事共商: the deadline of each task the chair's decision gives a unit (the chair may set other hours per decision).</summary>
    public TimeSpan UrgentTaskDeadline { get; set; } = TimeSpan.FromHours(8);

    /// <summary>要事共决: share of members that must take part for a vote or meeting to be valid.</summary>
    public Threshold Quorum { get; set; } = Threshold.MoreThanHalf;

    /// <summary>要事共决: share of votes cast needed to pass an ordinary decision.</summary>
    public Threshold PassThreshold { get; set; } = Threshold.MoreThanHalf;

    /// <summary>要事共决: share of votes cast needed for the listed categories.</summary>
    public Threshold QualifiedPassThreshold { get; set; } = Threshold.AtLeastTwoThirds;

    /// <summary>
    /// The alliance's closed list of categories (服务类别). An item, need, commitment or resource takes one of these, and a
    /// unit's service categories come from them, so that needs, resources and units match by the same words. The
    /// qualified-majority categories are among them.
    /// </summary>
    public List<string> Categories { get; set; } = [.. DefaultCategories];

    /// <summary>The categories a new alliance starts with (the common practice in the domain notes).</summary>
    public static IReadOnlyList<string> DefaultCategories { get; } =
        ["场地", "教育", "文体", "养老", "医疗", "法律", "安全", "环境", "综合治理", "就业", "助残", "物资", "志愿服务", "其他", "经费使用", "议事规则修改", "成员单位调整"];

    /// <summary>Decision categories that need <see cref="QualifiedPassThreshold"/>.</summary>
    public List<string> QualifiedCategories { get; set; } = ["经费使用", "议事规则修改", "成员单位调整"];

    /// <summary>How long the chair has to review an item at intake.</summary>
    public TimeSpan IntakeReviewDeadline { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a resource owner has to approve or decline a booking request.</summary>
    public TimeSpan ResourceApprovalDeadline { get; set; } = TimeSpan.FromDays(2);

    /// <summary>资源共享: the requester is reminded this long before the booked slot begins.</summary>
    public TimeSpan BookingReminderOffset { get; set; } = TimeSpan.FromDays(1);

    /// <summary>资源共享: a requester may cancel a booking only up to this long before it begins (the owner may cancel later, with a reason).</summary>
    public TimeSpan BookingCancellationCutoff { get; set; } = TimeSpan.FromDays(1);

    /// <summary>资源共享: after the slot, how long both sides have to give feedback before the use is counted without it.</summary>
    public TimeSpan BookingFeedbackWindow { get; set; } = TimeSpan.FromDays(3);

    /// <summary>资源共享: how far ahead a slot may be requested.</summary>
    public TimeSpan BookingHorizon { get; set; } = TimeSpan.FromDays(180);

    /// <summary>How long a requester has to verify finished work.</summary>
    public TimeSpan VerificationDeadline { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Reminders are sent this long before a deadline (one reminder per offset).</summary>
    public List<TimeSpan> ReminderOffsets { get; set; } = [TimeSpan.FromDays(1), TimeSpan.FromHours(2)];

    /// <summary>Overdue work escalates to the street chair (督办) after this grace period.</summary>
    public TimeSpan EscalationGrace { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Regular joint meetings (联席会议) as a five-field cron expression in <see cref="TimeZone"/>.</summary>
    public string MeetingSchedule { get; set; } = "0 9 5 * *";

    /// <summary>
    /// Members are notified of a meeting this many days before it: the agenda window closes then (if the chair has not
    /// fixed the agenda earlier) and the notice goes out.
    /// </summary>
    public int MeetingNoticeDays { get; set; } = 3;

    /// <summary>Each regular meeting of <see cref="MeetingSchedule"/> is created this many days ahead: its agenda window opens then.</summary>
    public int MeetingLeadDays { get; set; } = 14;

    /// <summary>要事共决: where decision items are decided, at the joint meeting (its vote) or by a written vote of the members.</summary>
    public DecisionVenue DecisionsAt { get; set; } = DecisionVenue.Written;

    /// <summary>联席会议: an item deferred more than this many times escalates to the street by itself.</summary>
    public int MaxDeferrals { get; set; } = 2;

    /// <summary>
    /// 共驻共建承诺: when each unit reports progress on its confirmed commitments, as a five-field cron expression in
    /// <see cref="TimeZone"/>; each occurrence closes a reporting period (default: the first day of each quarter).
    /// </summary>
    public string CommitmentReportSchedule { get; set; } = "0 0 1 1,4,7,10 *";

    /// <summary>承诺进展: how long a unit has to hand in a period's progress report before it is missing (overdue).</summary>
    public TimeSpan CommitmentReportWindow { get; set; } = TimeSpan.FromDays(15);

    /// <summary>承诺进展: reminders are sent this long before a report is due (one per offset).</summary>
    public List<TimeSpan> CommitmentReportReminders { get; set; } = [TimeSpan.FromDays(7), TimeSpan.FromDays(1)];

    /// <summary>承诺年终评定: how long the alliance has for the year-end assessment before it escalates to the street.</summary>
    public TimeSpan CommitmentAssessmentWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>年度考核: weight of 按时办结 (tasks done on time, less 督办) in the year-end score; the five weights sum to 100.</summary>
    public int WeightTimeliness { get; set; } = 30;

    /// <summary>年度考核: weight of 群众满意 (the satisfaction rate of the work rated).</summary>
    public int WeightSatisfaction { get; set; } = 25;

    /// <summary>年度考核: weight of 承诺履行 (commitments assessed fulfilled, partly fulfilled counting half).</summary>
    public int WeightCommitments { get; set; } = 20;

    /// <summary>年度考核: weight of 资源共享 (resources shared and bookings used, against <see cref="SharingTarget"/>).</summary>
    public int WeightSharing { get; set; } = 10;

    /// <summary>年度考核: weight of 会议出席 (joint-meeting attendance).</summary>
    public int WeightAttendance { get; set; } = 15;

    /// <summary>年度考核: resources shared plus bookings used in a year that earn full marks for sharing.</summary>
    public int SharingTarget { get; set; } = 12;

    /// <summary>年度考核: how long a unit or community may object to its published score (异议期).</summary>
    public TimeSpan AssessmentObjectionWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often finished work may be sent back as unsatisfactory before it escalates.</summary>
    public int MaxReworks { get; set; } = 2;

    /// <summary>IANA time zone in which the meeting schedule and day-based deadlines are read.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Checks every setting; the field names are those of the JSON body, prefixed with <paramref name="prefix"/>.</summary>
    public void Validate(FieldErrors errors, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(errors);
        Positive(errors, prefix + "opinionWindow", OpinionWindow, new("意见征集期", "opinion window"));
        Positive(errors, prefix + "claimWindow", ClaimWindow, new("认领期限", "claim window"));
        Positive(errors, prefix + "urgentResponseWindow", UrgentResponseWindow, new("急事响应期限", "urgent response window"));
        Positive(errors, prefix + "urgentFirstResponseLimit", UrgentFirstResponseLimit, new("急事首次响应时限", "urgent first-response limit"));
        if (UrgentFirstResponseLimit > UrgentResponseWindow)
        {
            errors.Add(prefix + "urgentFirstResponseLimit", "急事首次响应时限不能长于急事响应期限。", "The urgent first-response limit cannot be longer than the urgent response window.");
        }

        if (UrgentTaskDeadline < TimeSpan.FromHours(1) || UrgentTaskDeadline > TimeSpan.FromHours(72) || UrgentTaskDeadline.Ticks % TimeSpan.TicksPerHour != 0)
        {
            errors.Add(prefix + "urgentTaskDeadline", "急事任务期限须为 1 到 72 之间的整小时数，如 PT8H。", "The urgent task deadline must be a whole number of hours from 1 to 72, e.g. PT8H.");
        }

        Positive(errors, prefix + "intakeReviewDeadline", IntakeReviewDeadline, new("受理审核期限", "intake review deadline"));
        Positive(errors, prefix + "resourceApprovalDeadline", ResourceApprovalDeadline, new("资源审批期限", "resource approval deadline"));
        Positive(errors, prefix + "bookingReminderOffset", BookingReminderOffset, new("使用提醒提前量", "booking reminder offset"));
        Positive(errors, prefix + "bookingFeedbackWindow", BookingFeedbackWindow, new("使用反馈期限", "booking feedback window"));
        Positive(errors, prefix + "bookingHorizon", BookingHorizon, new("最远可预约时间", "booking horizon"));
        if (BookingCancellationCutoff < TimeSpan.Zero)
        {
            errors.Add(prefix + "bookingCancellationCutoff", "取消截止提前量不能为负。", "The booking cancellation cut-off cannot be negative.");
        }

        if (BookingReminderOffset >= BookingHorizon)
        {
            errors.Add(prefix + "bookingReminderOffset", "使用提醒提前量须短于最远可预约时间。", "The booking reminder offset must be shorter than the booking horizon.");
        }
        if (MeetingNoticeDays is < 0 or > 60)
        {
            errors.Add(prefix + "meetingNoticeDays", "会议通知提前天数须在 0 到 60 之间。", "The meeting notice must be given 0 to 60 days before.");
        }

        if (MeetingLeadDays < MeetingNoticeDays || MeetingLeadDays > 90)
        {
            errors.Add(prefix + "meetingLeadDays", "例会提前创建天数须不少于会议通知提前天数，且不超过 90 天。",
                "Regular meetings must be created at least as many days ahead as the notice, and at most 90 days ahead.");
        }

        if (MaxDeferrals is < 0 or > 10)
        {
            errors.Add(prefix + "maxDeferrals", "缓议次数上限须在 0 到 10 之间。", "The most deferrals must be from 0 to 10.");
        }

        int[] weights = [WeightTimeliness, WeightSatisfaction, WeightCommitments, WeightSharing, WeightAttendance];
        if (weights.Any(w => w is < 0 or > 100) || weights.Sum() != 100)
        {
            errors.Add(prefix + "weightTimeliness", "五项考核权重须在 0 到 100 之间，合计 100。", "The five assessment weights must each be from 0 to 100 and sum to 100.");
        }

        if (SharingTarget is < 1 or > 1000)
        {
            errors.Add(prefix + "sharingTarget", "资源共享满分次数须在 1 到 1000 之间。", "The sharing target must be from 1 to 1000.");
        }

        Positive(errors, prefix + "assessmentObjectionWindow", AssessmentObjectionWindow, new("考核异议期", "assessment objection window"));
        Positive(errors, prefix + "verificationDeadline", VerificationDeadline, new("验收期限", "verification deadline"));
        Positive(errors, prefix + "escalationGrace", EscalationGrace, new("督办宽限期", "escalation grace"));
        if (ReminderOffsets is null || ReminderOffsets.Any(o => o <= TimeSpan.Zero))
        {
            errors.Add(prefix + "reminderOffsets", "提醒提前量须为正的时长。", "Each reminder offset must be a positive duration.");
        }

        if (Categories is null || Categories.Count is 0 or > 200 || Categories.Any(c => CategoryVocabulary.Clean(c) is not { } clean || clean != c))
        {
            errors.Add(prefix + "categories", "类别表须有 1 到 200 个类别，每个 1 到 20 个字符，不含首尾空格和控制字符。",
                "The category list must hold 1 to 200 categories of 1 to 20 characters each, without surrounding spaces or control characters.");
        }
        else if (Categories.Distinct(StringComparer.Ordinal).Count() != Categories.Count)
        {
            errors.Add(prefix + "categories", "类别表中有重复的类别。", "The category list holds a category twice.");
        }

        if (QualifiedCategories is null || QualifiedCategories.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(prefix + "qualifiedCategories", "特别多数事项类别不能为空白。", "Qualified-majority categories cannot be blank.");
        }
        else if (Categories is not null && QualifiedCategories.Find(c => !Categories.Contains(c, StringComparer.Ordinal)) is { } missing)
        {
            errors.Add(prefix + "qualifiedCategories", $"特别多数事项类别「{missing}」不在类别表中。", $"The qualified-majority category \"{missing}\" is not in the category list.");
        }

        if (Quorum == default)
        {
            errors.Add(prefix + "quorum", "请填写法定人数比例，如 >1/2。", "The quorum is required, e.g. >1/2.");
        }

        if (PassThreshold == default)
        {
            errors.Add(prefix + "passThreshold", "请填写通过比例，如 >1/2。", "The pass threshold is required, e.g. >1/2.");
        }

        if (QualifiedPassThreshold == default)
        {
            errors.Add(prefix + "qualifiedPassThreshold", "请填写特别多数比例，如 >=2/3。", "The qualified pass threshold is required, e.g. >=2/3.");
        }

        if (string.IsNullOrWhiteSpace(MeetingSchedule) || !Cronos.CronExpression.TryParse(MeetingSchedule, out _))
        {
            errors.Add(prefix + "meetingSchedule", "例会时间须为五段式 cron 表达式，如 \"0 9 5 * *\"（每月5日9点）。",
                "The meeting schedule must be a five-field cron expression such as \"0 9 5 * *\" (09:00 on the 5th of each month).");
        }

        if (string.IsNullOrWhiteSpace(CommitmentReportSchedule) || !Cronos.CronExpression.TryParse(CommitmentReportSchedule, out _))
        {
            errors.Add(prefix + "commitmentReportSchedule", "承诺进展报送时间须为五段式 cron 表达式，如 \"0 0 1 1,4,7,10 *\"（每季度首日）。",
                "The commitment report schedule must be a five-field cron expression such as \"0 0 1 1,4,7,10 *\" (the first day of each quarter).");
        }

        Positive(errors, prefix + "commitmentReportWindow", CommitmentReportWindow, new("承诺进展报送期限", "commitment report window"));
        Positive(errors, prefix + "commitmentAssessmentWindow", CommitmentAssessmentWindow, new("承诺年终评定期限", "commitment assessment window"));
        if (CommitmentReportReminders is null || CommitmentReportReminders.Any(o => o <= TimeSpan.Zero || o >= CommitmentReportWindow))
        {
            errors.Add(prefix + "commitmentReportReminders", "承诺进展提醒提前量须为正的时长，且短于报送期限。",
                "Each commitment report reminder must be a positive duration shorter than the report window.");
        }

        if (MeetingNoticeDays is < 0 or > 60)
        {
            errors.Add(prefix + "meetingNoticeDays", "会议通知提前天数须在 0 到 60 之间。", "Meeting notice days must be between 0 and 60.");
        }

        if (MaxReworks is < 0 or > 20)
        {
            errors.Add(prefix + "maxReworks", "最多返工次数须在 0 到 20 之间。", "Max reworks must be between 0 and 20.");
        }

        if (string.IsNullOrWhiteSpace(TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            errors.Add(prefix + "timeZone", "时区无效，如 Asia/Shanghai。", "The time zone is not valid, e.g. Asia/Shanghai.");
        }
    }

    private static void Positive(FieldErrors errors, string field, TimeSpan value, BilingualText name)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add(field, $"{name.Zh}须为正的时长。", $"The {name.En} must be a positive duration.");
        }
    }
}

/// <summary>要事共决: where an alliance decides its decision items.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DecisionVenue>))]
public enum DecisionVenue
{
    /// <summary>书面表决: each member votes through a ballot task within the vote window.</summary>
    [JsonStringEnumMemberName("written")] Written,

    /// <summary>会议表决: the item goes on the next joint meeting's agenda and the members present vote.</summary>
    [JsonStringEnumMemberName("meeting")] Meeting,
}
