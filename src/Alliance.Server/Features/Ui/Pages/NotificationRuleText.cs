using Alliance.Server.Features.Notifications;

namespace Alliance.Server.Features.Ui.Pages;

/// <summary>An alliance's notification rule in words (通知规则): what it is about, when it is sent, and who is told.</summary>
public static class NotificationRuleText
{
    public static string Topic(string topic) => topic switch
    {
        NotificationTopics.TaskAssigned => UiText.L("新任务", "New task"),
        NotificationTopics.TaskReminder => UiText.L("任务到期提醒", "Task due soon"),
        NotificationTopics.ItemOverdue => UiText.L("任务逾期", "Task overdue"),
        NotificationTopics.ItemEscalated => UiText.L("提交街道督办", "Escalated to the street"),
        NotificationTopics.UrgentItem => UiText.L("急事共商", "Urgent matter"),
        NotificationTopics.BookingConfirmed => UiText.L("预约通过", "Booking approved"),
        NotificationTopics.BookingDeclined => UiText.L("预约未通过", "Booking declined"),
        NotificationTopics.BookingCancelled => UiText.L("预约取消", "Booking cancelled"),
        NotificationTopics.CommitmentReportDue => UiText.L("承诺事项进展待报送", "Commitment report due"),
        NotificationTopics.MeetingNotice => UiText.L("会议通知", "Meeting notice"),
        NotificationTopics.MeetingReminder => UiText.L("参会回复提醒", "Meeting reply reminder"),
        NotificationTopics.MeetingCancelled => UiText.L("会议取消", "Meeting cancelled"),
        NotificationTopics.MeetingMoved => UiText.L("会议地点变更", "Meeting moved"),
        NotificationTopics.MeetingMinutes => UiText.L("会议纪要发布", "Minutes published"),
        NotificationTopics.BulletinPublished => UiText.L("逐月通报发布", "Monthly bulletin published"),
        NotificationTopics.AssessmentPublished => UiText.L("年度考核发布", "Year-end assessment published"),
        NotificationTopics.AssessmentObjection => UiText.L("考核异议", "Objection to a year-end score"),
        NotificationTopics.AssessmentRuling => UiText.L("考核异议裁决", "Ruling on an objection"),
        _ => topic,
    };

    /// <summary>When the rule's notice goes out.</summary>
    public static string When(string topic) => topic switch
    {
        NotificationTopics.TaskAssigned => UiText.L("任务派发或发布时", "When a task is offered or assigned"),
        NotificationTopics.TaskReminder => UiText.L("期限前，按事项流程设定的提醒时点（如截止前 1 天、2 小时）", "Before a deadline, at the route's reminder offsets (e.g. 1 day and 2 hours before)"),
        NotificationTopics.ItemOverdue => UiText.L("任务超过期限时", "When a task passes its deadline"),
        NotificationTopics.ItemEscalated => UiText.L("事项提交街道督办时", "When an item is escalated to the street"),
        NotificationTopics.UrgentItem => UiText.L("急事提交后立即", "As soon as an urgent matter is submitted"),
        NotificationTopics.BookingConfirmed => UiText.L("预约获批时", "When a booking is approved"),
        NotificationTopics.BookingDeclined => UiText.L("预约被拒绝时", "When a booking is declined"),
        NotificationTopics.BookingCancelled => UiText.L("预约被取消时（平急转换时为急事）", "When a booking is cancelled (urgent when by the emergency switch)"),
        NotificationTopics.CommitmentReportDue => UiText.L("承诺事项需报送进展时", "When a commitment's progress report is due"),
        NotificationTopics.MeetingNotice => UiText.L("会前，按议事规则的提前通知天数", "Before a meeting, by the rules of procedure's notice days"),
        NotificationTopics.MeetingReminder => UiText.L("会前尚未回复参会时", "Before a meeting, to those who have not replied"),
        NotificationTopics.MeetingCancelled => UiText.L("会议取消时", "When a meeting is cancelled"),
        NotificationTopics.MeetingMoved => UiText.L("会议场地变更时", "When a meeting loses its venue"),
        NotificationTopics.MeetingMinutes => UiText.L("会议纪要发布时", "When the minutes are published"),
        NotificationTopics.BulletinPublished => UiText.L("街道党工委书记审核发布逐月通报时", "When the street's chair publishes the monthly bulletin"),
        NotificationTopics.AssessmentPublished => UiText.L("街道党工委书记发布年度考核得分时（异议期开始）", "When the street's chair publishes the year-end scores (the objection window opens)"),
        NotificationTopics.AssessmentObjection => UiText.L("社区或单位对年度考核得分提出异议时，告知街道", "When a community or unit objects to its year-end score; the street is told"),
        NotificationTopics.AssessmentRuling => UiText.L("街道党工委书记裁决异议时，告知提出异议的社区或单位", "When the street's chair rules on an objection; the objecting community or unit is told"),
        _ => "",
    };

    /// <summary>Who is told: the roles, or for a rule without default roles the people the work is routed to.</summary>
    public static string Who(NotificationsApi.RuleView rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Roles.Count > 0)
        {
            return string.Join(UiText.L("、", ", "), rule.Roles.Select(UiText.Role));
        }

        return rule.Topic switch
        {
            NotificationTopics.TaskAssigned => UiText.L("任务所派单位中承担该流程角色的人员", "The people of the task's organisations who hold its route role"),
            NotificationTopics.TaskReminder or NotificationTopics.ItemOverdue => UiText.L("认领任务的人；无人认领时同新任务", "The person who claimed the task, else as for a new task"),
            NotificationTopics.BookingConfirmed or NotificationTopics.BookingDeclined or NotificationTopics.BookingCancelled =>
                UiText.L("预约单位的全部人员", "Everyone acting for the requesting organisation"),
            _ => UiText.L("会议相关单位的人员", "The people of the meeting's organisations"),
        };
    }
}
