using System.Globalization;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Problems;

namespace Alliance.Server.Features.Ui;

/// <summary>
/// The UI's words and formats: every text is written in both languages where it is used (<see cref="L"/>), Chinese
/// shown unless the person switched to English; times are China Standard Time in zh-CN formats.
/// </summary>
public static class UiText
{
    public static readonly TimeZoneInfo ChinaTime = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static string L(string zh, string en) => UiCulture.IsEnglish ? en : zh;

    public static string L(BilingualText text) => L(text.Zh, text.En);

    /// <summary>A form's text as an operation takes it: null when it is empty or only spaces.</summary>
    public static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    /// <summary>A UTC moment as China Standard Time, e.g. <c>2026-03-02 09:00</c>.</summary>
    public static string Time(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), ChinaTime).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => Time(at.UtcDateTime);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Time left until a deadline ("剩 2 天 3 小时"), or how long it is overdue ("已逾期 5 小时").</summary>
    public static string TimeLeft(DateTime deadlineUtc, DateTime nowUtc)
    {
        var left = deadlineUtc - nowUtc;
        var span = left.Duration();
        var amount = span.TotalDays >= 1
            ? L($"{(int)span.TotalDays} 天 {span.Hours} 小时", $"{(int)span.TotalDays} d {span.Hours} h")
            : span.TotalHours >= 1
                ? L($"{(int)span.TotalHours} 小时 {span.Minutes} 分", $"{(int)span.TotalHours} h {span.Minutes} min")
                : L($"{Math.Max(1, span.Minutes)} 分钟", $"{Math.Max(1, span.Minutes)} min");
        return left >= TimeSpan.Zero ? L($"剩 {amount}", $"{amount} left") : L($"已逾期 {amount}", $"overdue by {amount}");
    }

    public static string Kind(ItemKind kind) => kind switch
    {
        ItemKind.Deliberation => L("大事共议", "Deliberation"),
        ItemKind.Decision => L("要事共决", "Decision"),
        ItemKind.JointTask => L("实事共办", "Joint task"),
        ItemKind.Urgent => L("急事共商", "Urgent"),
        ItemKind.Commitment => L("共建承诺", "Commitment"),
        ItemKind.ResourceRequest => L("资源预约", "Resource request"),
        _ => kind.ToString(),
    };

    /// <summary>One line on what each rule of procedure is for.</summary>
    public static string KindExplained(ItemKind kind) => kind switch
    {
        ItemKind.Deliberation => L("涉及辖区发展的重大事项，联盟成员共同议定意见。", "A matter of weight for the area: the members give opinions and agree."),
        ItemKind.Decision => L("需要联盟表决的重要事项，按议事规则投票决定。", "An important matter the alliance decides by vote under its rules."),
        ItemKind.JointTask => L("为群众办实事，由成员单位认领承办、限期办结。", "A practical task for residents: a member unit takes it on and finishes it in time."),
        ItemKind.Urgent => L("突发急事，立即通知各方，快速响应、限时处置。", "Something urgent: everyone is told at once and responds fast."),
        _ => string.Empty,
    };

    public static readonly ItemKind[] SubmittableKinds = [ItemKind.Deliberation, ItemKind.Decision, ItemKind.JointTask, ItemKind.Urgent];

    public static string Status(string status) => status switch
    {
        "submitted" => L("已提交", "Submitted"),
        "intake-review" => L("受理审核", "Intake review"),
        "accepted" => L("已受理", "Accepted"),
        "returned" => L("已退回", "Returned"),
        "opinions" => L("征求意见", "Gathering opinions"),
        "reviewing" => L("审议中", "Reviewing"),
        "voting" => L("表决中", "Voting"),
        "responding" => L("响应中", "Responding"),
        "feedback" => L("反馈中", "Feedback"),
        "tasks-assigned" => L("已派单", "Tasks assigned"),
        "unclaimed" => L("待认领", "Unclaimed"),
        "in-progress" => L("办理中", "In progress"),
        "rework" => L("返工", "Rework"),
        "verifying" => L("待验收", "Verifying"),
        "escalated" => L("已上报督办", "Escalated"),
        "overdue" => L("已逾期", "Overdue"),
        "awaiting-meeting" => L("待联席会议议定", "Awaiting the joint meeting"),
        "deferred" => L("已缓议", "Deferred"),
        "failed" => L("表决未通过", "Failed"),
        "passed" => L("已通过", "Passed"),
        "no-quorum" => L("未达法定人数", "No quorum"),
        "resolved" => L("已解决", "Resolved"),
        "resolved-by-street" => L("街道已解决", "Resolved by the street"),
        "partly-resolved" => L("部分解决", "Partly resolved"),
        "tasks-cancelled" => L("任务已取消", "Tasks cancelled"),
        "rejected" => L("未通过", "Rejected"),
        "withdrawn" => L("已撤回", "Withdrawn"),
        "closed" => L("已办结", "Closed"),
        "concluded-by-street" => L("街道已议结", "Concluded by the street"),
        "broadcast" => L("已通报各方", "Broadcast"),
        "deciding" => L("研判中", "Deciding"),
        "published" => L("待认领承办", "Published to units"),
        "pending" => L("待审批", "Pending"),
        "confirmed" => L("已确认", "Confirmed"),
        "declined" => L("未同意", "Declined"),
        "cancelled" => L("已取消", "Cancelled"),
        "used" => L("已使用", "Used"),
        "not-used" => L("未使用", "Not used"),
        "assessing" => L("评估中", "Assessing"),
        "fulfilled" => L("已兑现", "Fulfilled"),
        "partly-fulfilled" => L("部分兑现", "Partly fulfilled"),
        "not-fulfilled" => L("未兑现", "Not fulfilled"),
        _ => status,
    };

    /// <summary>A task outcome, by its name in the workflow definition.</summary>
    public static string Outcome(string outcome) => outcome switch
    {
        "accept" => L("受理", "Accept"),
        "approve" => L("同意", "Approve"),
        "decline" => L("不同意", "Decline"),
        "assign" => L("派单", "Assign"),
        "escalate" => L("上报督办", "Escalate"),
        "confirm" => L("确认", "Confirm"),
        "stay" => L("本联盟共议", "Deliberate here"),
        "agree" => L("同意", "Agree"),
        "disagree" => L("不同意", "Disagree"),
        "abstain" => L("弃权", "Abstain"),
        "resolve" => L("议定", "Resolve"),
        "defer" => L("暂缓", "Defer"),
        "return" => L("退回", "Return"),
        "done" => L("已完成", "Done"),
        "expired" => L("征集期满", "Window closed"),
        "deadline" => L("到期", "Deadline reached"),
        "noQuorum" => L("未达法定人数", "No quorum"),
        "progress" => L("报告进展", "Report progress"),
        "report" => L("上报", "Report"),
        "resolved" => L("已解决", "Resolved"),
        "resubmit" => L("重新提交", "Resubmit"),
        "withdraw" => L("撤回", "Withdraw"),
        "satisfied" => L("满意", "Satisfied"),
        "basicallySatisfied" => L("基本满意", "Basically satisfied"),
        "unsatisfied" => L("不满意", "Unsatisfied"),
        "fulfilled" => L("已兑现", "Fulfilled"),
        "partlyFulfilled" => L("部分兑现", "Partly fulfilled"),
        "notFulfilled" => L("未兑现", "Not fulfilled"),
        "used" => L("已使用", "Used"),
        "notUsed" => L("未使用", "Not used"),
        "reject" => L("不予受理", "Reject"),
        "offerResources" => L("提供资源", "Offer resources"),
        "support" => L("参与处置", "Take part"),
        "unable" => L("无法参与", "Unable"),
        "close" => L("结束处置", "Close"),
        "revote" => L("重新表决", "Vote again"),
        "passed" => L("通过", "Passed"),
        "failed" => L("未通过", "Failed"),
        _ => outcome,
    };

    /// <summary>A role in words (人员与角色, 通知规则).</summary>
    public static string Role(AllianceRole role) => role switch
    {
        AllianceRole.DistrictAdmin => L("区级管理员", "District administrator"),
        AllianceRole.StreetChair => L("街道党工委书记", "Street chair"),
        AllianceRole.StreetStaff => L("街道工作人员", "Street staff"),
        AllianceRole.CommunitySecretary => L("社区书记", "Community secretary"),
        AllianceRole.CommunityStaff => L("社区工作人员", "Community staff"),
        AllianceRole.UnitContact => L("共建单位联络员", "Unit contact"),
        AllianceRole.UnitSecretary => L("共建单位党组织书记", "Unit party secretary"),
        AllianceRole.PartTimeMember => L("兼职委员", "Part-time member"),
        _ => role.ToString(),
    };

    /// <summary>A task form's field, by its name in the workflow definition.</summary>
    public static string Field(string name) => name switch
    {
        "opinion" => L("意见", "Opinion"),
        "reason" => L("理由", "Reason"),
        "resolution" => L("议定结果", "Resolution"),
        "description" => L("内容", "Description"),
        "dueDate" => L("完成期限", "Due date"),
        "report" => L("办理情况", "Report"),
        "evidence" => L("佐证材料", "Evidence"),
        "feedback" => L("反馈意见", "Feedback"),
        "instructions" => L("办理要求", "Instructions"),
        "note" => L("备注", "Note"),
        "hours" => L("使用时长（小时）", "Hours used"),
        "quantity" => L("数量", "Quantity"),
        "unitId" => L("承办单位", "Unit"),
        "unitIds" => L("承办单位", "Units"),
        "startJointTask" => L("启动实事共办", "Start a joint task"),
        _ => name,
    };

    /// <summary>The board's columns: where an item's status puts it.</summary>
    public static BoardStage Stage(string status) => status switch
    {
        "submitted" or "intake-review" or "returned" or "accepted" or "pending" => BoardStage.Intake,
        "opinions" or "reviewing" or "voting" or "responding" or "feedback" or "awaiting-meeting" or "deferred" or "broadcast" or "deciding" => BoardStage.Deliberating,
        "tasks-assigned" or "unclaimed" or "in-progress" or "rework" or "verifying" or "escalated" or "overdue" or "published" or "confirmed" or "assessing" => BoardStage.Doing,
        _ => BoardStage.Done,
    };

    public static string StageName(BoardStage stage) => stage switch
    {
        BoardStage.Intake => L("受理", "Intake"),
        BoardStage.Deliberating => L("议定", "Deciding"),
        BoardStage.Doing => L("办理", "Doing"),
        _ => L("办结", "Done"),
    };
}

public enum BoardStage
{
    Intake,
    Deliberating,
    Doing,
    Done,
}
