using Alliance.Server.Features.Resources;

namespace Alliance.Server.Features.Ui.Pages.Resources;

/// <summary>The words for resource kinds, venue types, booking states and cancel causes, and a slot in China Standard Time.</summary>
public static class ResourceText
{
    public static string Kind(ResourceKind kind) => kind switch
    {
        ResourceKind.Venue => UiText.L("场地", "Venue"),
        ResourceKind.Material => UiText.L("物资", "Material"),
        ResourceKind.Equipment => UiText.L("设备", "Equipment"),
        ResourceKind.Expertise => UiText.L("人才", "Expertise"),
        ResourceKind.HealthService => UiText.L("健康医疗", "Health service"),
        ResourceKind.Fund => UiText.L("资金", "Fund"),
        _ => kind.ToString(),
    };

    public static string Venue(VenueType type) => type switch
    {
        VenueType.ActivityRoom => UiText.L("活动室", "Activity room"),
        VenueType.Hall => UiText.L("礼堂", "Hall"),
        VenueType.SharedPartyHome => UiText.L("党建共享之家", "Shared Party home"),
        VenueType.OpenOrganisationalLifeBase => UiText.L("开放式组织生活基地", "Open organisational-life base"),
        _ => UiText.L("其他场地", "Other venue"),
    };

    public static string Status(BookingStatus status) => status switch
    {
        BookingStatus.Pending => UiText.L("待审批", "Awaiting approval"),
        BookingStatus.Confirmed => UiText.L("已确认", "Confirmed"),
        BookingStatus.Declined => UiText.L("已拒绝", "Declined"),
        BookingStatus.Cancelled => UiText.L("已取消", "Cancelled"),
        BookingStatus.Used => UiText.L("已使用", "Used"),
        BookingStatus.NotUsed => UiText.L("未使用", "Not used"),
        _ => status.ToString(),
    };

    /// <summary>
    /// A booking's state as its requester reads it: a confirmed booking the owner (or the chair) decided is 已批准,
    /// one confirmed at once by a resource without approval 已确认; the rest as <see cref="Status"/>.
    /// </summary>
    public static string State(BookingsApi.BookingResponse booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        return booking.Status == BookingStatus.Confirmed && booking.DecidedBy is "owner" or "chair" ? UiText.L("已批准", "Approved") : Status(booking.Status);
    }

    public static string Cause(string? cause) => cause switch
    {
        "requester" => UiText.L("申请方取消", "cancelled by the requester"),
        "owner" => UiText.L("提供方取消", "cancelled by the owner"),
        "emergency" => UiText.L("平急转换取消", "cancelled for emergency use"),
        "expired" => UiText.L("逾期未审批", "expired undecided"),
        _ => cause ?? "",
    };

    public static string Weekday(DayOfWeek day) => UiText.L("周" + "日一二三四五六"[(int)day], day.ToString()[..3]);

    /// <summary>A slot as China Standard Time: <c>2026-03-02 09:00–11:00</c>, or both ends in full when it spans days.</summary>
    public static string Slot(DateTimeOffset start, DateTimeOffset end)
    {
        var from = UiText.Time(start);
        var to = UiText.Time(end);
        return from[..10] == to[..10] ? $"{from}–{to[11..]}" : $"{from} – {to}";
    }

    /// <summary>Only the times of a slot on one day (<c>09:00–11:00</c>).</summary>
    public static string Hours(DateTimeOffset start, DateTimeOffset end) => $"{UiText.Time(start)[11..]}–{UiText.Time(end)[11..]}";

    /// <summary>A moment's day in China Standard Time.</summary>
    public static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, UiText.ChinaTime).DateTime);

    /// <summary>A wall-clock time in China Standard Time (from a form) as a moment.</summary>
    public static DateTimeOffset FromChinaTime(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, UiText.ChinaTime.GetUtcOffset(unspecified));
    }
}
