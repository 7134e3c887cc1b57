using System.Globalization;
using System.Text;
using Alliance.Server.Features.People;

namespace Alliance.Server.Features.Notifications;

/// <summary>A rule's default: on or off, whether it is urgent, and the roles told when the alliance sets none.</summary>
public sealed record NotificationTopic(string Name, bool Urgent, IReadOnlyList<AllianceRole> DefaultRoles, NotificationTemplate Template);

/// <summary>A message in zh-CN with its English fallback; <c>{name}</c> placeholders are filled from the event.</summary>
public sealed record NotificationTemplate(string TitleZh, string TitleEn, string BodyZh, string BodyEn)
{
    public RenderedMessage Render(IReadOnlyDictionary<string, string?> values) =>
        new(Fill(TitleZh, values), Fill(TitleEn, values), Fill(BodyZh, values), Fill(BodyEn, values));

    private static string Fill(string template, IReadOnlyDictionary<string, string?> values)
    {
        var text = new StringBuilder(template);
        foreach (var (key, value) in values)
        {
            text.Replace("{" + key + "}", value ?? "—");
        }

        return text.ToString();
    }
}

public sealed record RenderedMessage(string TitleZh, string TitleEn, string BodyZh, string BodyEn)
{
    /// <summary>The person's language, falling back to English when the Chinese text is empty.</summary>
    public (string Title, string Body) For(string? language) =>
        string.Equals(language, "en", StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(TitleZh)
            ? (TitleEn, BodyEn)
            : (TitleZh, BodyZh);
}

/// <summary>
/// The rules: who is told what. Each is a setting per alliance (<see cref="AllianceNotificationRule"/>, on by default).
/// Empty default roles mean: every person holding a role the event routes the work to (for a task, the workflow role
/// it is offered with; for a booking, anyone acting for the requesting organisation).
/// </summary>
public static class NotificationTopics
{
    public const string TaskAssigned = "task.assigned";
    public const string TaskReminder = "task.reminder";
    public const string ItemOverdue = "item.overdue";
    public const string ItemEscalated = "item.escalated";
    public const string UrgentItem = "item.urgent";
    public const string BookingConfirmed = "booking.confirmed";
    public const string BookingDeclined = "booking.declined";
    public const string BookingCancelled = "booking.cancelled";
    public const string CommitmentReportDue = "commitment.report-due";
    public const string MeetingNotice = "meeting.notice";
    public const string MeetingReminder = "meeting.reminder";
    public const string MeetingCancelled = "meeting.cancelled";
    public const string MeetingMinutes = "meeting.minutes";
    public const string MeetingMoved = "meeting.moved";
    public const string BulletinPublished = "bulletin.published";
    public const string AssessmentPublished = "assessment.published";
    public const string AssessmentObjection = "assessment.objection";
    public const string AssessmentRuling = "assessment.ruling";

    private static readonly AllianceRole[] UnitPeople = [AllianceRole.UnitContact, AllianceRole.UnitSecretary, AllianceRole.PartTimeMember];

    public static IReadOnlyList<NotificationTopic> All { get; } =
    [
        new(TaskAssigned, false, [], new(
            "新任务：{title}", "New task: {title}",
            "事项「{item}」有一项任务待您处理（{step}），截止时间：{deadline}。", "Item \"{item}\" has a task for you ({stepEn}), due {deadline}.")),
        new(TaskReminder, false, [], new(
            "任务即将到期：{title}", "Task due soon: {title}",
            "事项「{item}」的任务（{step}）将于 {deadline} 到期，请及时办理。", "The task ({stepEn}) of item \"{item}\" is due {deadline}.")),
        new(ItemOverdue, false, [], new(
            "任务已逾期：{title}", "Task overdue: {title}",
            "事项「{item}」的任务（{step}）已于 {deadline} 逾期，逾期未办将提交街道督办。", "The task ({stepEn}) of item \"{item}\" passed its deadline {deadline}; it will be escalated to the street.")),
        new(ItemEscalated, false, [AllianceRole.StreetChair], new(
            "督办：{item}", "Supervision (督办): {item}",
            "事项「{item}」已提交街道督办。原因：{reason}", "Item \"{item}\" was escalated to the street. Reason: {reason}")),
        new(UrgentItem, true, [.. UnitPeople, AllianceRole.CommunitySecretary, AllianceRole.StreetChair], new(
            "急事共商：{item}", "Urgent: {item}",
            "联盟「{alliance}」有一件急事需各成员单位立即响应：{item}", "Alliance \"{alliance}\" has an urgent matter for every member unit: {item}")),
        new(BookingConfirmed, false, [], new(
            "预约已通过：{resource}", "Booking approved: {resource}",
            "您预约的「{resource}」（{start}）已通过。", "Your booking of \"{resource}\" ({start}) was approved.")),
        new(BookingDeclined, false, [], new(
            "预约未通过：{resource}", "Booking declined: {resource}",
            "您预约的「{resource}」（{start}）未通过。{reason}", "Your booking of \"{resource}\" ({start}) was declined. {reason}")),
        new(BookingCancelled, false, [], new(
            "预约已取消：{resource}", "Booking cancelled: {resource}",
            "您预约的「{resource}」（{start}）已取消。原因：{reason}", "Your booking of \"{resource}\" ({start}) was cancelled. Reason: {reason}")),
        new(CommitmentReportDue, false, [.. UnitPeople], new(
            "承诺事项进展待报送：{item}", "Commitment report due: {item}",
            "请于 {deadline} 前报送承诺事项「{item}」的进展。", "Please report progress on the commitment \"{item}\" by {deadline}.")),
        new(MeetingNotice, false, [], new(
            "会议通知：{meeting}", "Meeting notice: {meeting}",
            "{meeting} 定于 {start} 在 {location} 召开。议程：{agenda}。请回复是否参会（参会、请假并说明原因，或委托他人），日历邀请：{ics}",
            "{meeting} meets at {start}, {location}. Agenda: {agenda}. Please reply (attend, absent with a reason, or a named deputy). Calendar: {ics}")),
        new(MeetingReminder, false, [], new(
            "请回复参会：{meeting}", "Please reply: {meeting}",
            "{meeting} 将于 {start} 召开，贵单位尚未回复是否参会。", "{meeting} meets at {start}; your organisation has not replied yet.")),
        new(MeetingCancelled, false, [], new(
            "会议取消：{meeting}", "Meeting cancelled: {meeting}",
            "原定于 {start} 召开的 {meeting} 已取消。原因：{reason}", "{meeting}, planned for {start}, is cancelled. Reason: {reason}")),
        new(MeetingMoved, true, [], new(
            "会议地点变更：{meeting}", "Meeting moved: {meeting}",
            "{meeting}（{start}）的场地已不能使用，现为：{location}。原因：{reason}", "{meeting} ({start}) lost its venue; it is now: {location}. Reason: {reason}")),
        new(MeetingMinutes, false, [], new(
            "会议纪要已发布：{meeting}", "Minutes published: {meeting}",
            "{meeting}（{start}）的会议纪要已发布，可在会议页面查看或下载：{docx}", "The minutes of {meeting} ({start}) are published: {docx}")),
        new(BulletinPublished, false, [], new(
            "通报已发布：{title}", "Bulletin published: {title}",
            "{title}已发布（{month}），请查看本单位的红黄绿等级和逾期事项：{link}", "{title} ({month}) is published; see your light and the overdue work: {link}")),
        new(AssessmentPublished, false, [], new(
            "年度考核已发布：{title}", "Year-end assessment published: {title}",
            "{title}已发布，请查看本单位得分及依据；如有异议，请于 {deadline} 前提出：{link}", "{title} is published; see your score and its evidence, and object before {deadline} if you disagree: {link}")),
        new(AssessmentObjection, false, [], new(
            "考核异议：{organisation}", "Objection to a score: {organisation}",
            "{organisation}对{title}的得分（{criterion}）提出异议：{reason}。请在报区级审定前裁决：{link}",
            "{organisation} objects to its score ({criterionEn}) in {title}: {reason}. Rule on it before submitting to the district: {link}")),
        new(AssessmentRuling, false, [], new(
            "考核异议已裁决：{title}", "Objection ruled on: {title}",
            "贵单位对{title}的异议{outcome}。裁决意见：{ruling}。{link}", "Your objection to {title} was {outcomeEn}. Ruling: {ruling}. {link}")),
    ];

    private static readonly Dictionary<string, NotificationTopic> ByName = All.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out NotificationTopic topic) => ByName.TryGetValue(name, out topic!);

    public static NotificationTopic Get(string name) => ByName[name];

    /// <summary>China Standard Time: quiet hours, the digest and the times in messages are read in it.</summary>
    public static TimeZoneInfo ChinaTime { get; } = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static string? Format(DateTimeOffset? at) =>
        at is { } t ? TimeZoneInfo.ConvertTime(t, ChinaTime).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : null;
}
