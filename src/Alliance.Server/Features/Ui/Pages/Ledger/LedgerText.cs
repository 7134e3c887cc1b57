using Alliance.Server.Features.Items;
using Alliance.Server.Features.Meetings;
using Alliance.Server.Features.Resources;
using Alliance.Server.Features.Ui.Pages.Meetings;
using Alliance.Server.Features.Ui.Pages.Resources;
using Alliance.Server.Infrastructure.Api;

namespace Alliance.Server.Features.Ui.Pages.Ledger;

/// <summary>The words for a ledger section's statuses and kinds (their wire names) in the filter's selects.</summary>
public static class LedgerText
{
    public static string StatusName(string section, string status) => section switch
    {
        "bookings" => ResourceText.Status(Value<BookingStatus>(status)),
        "meetings" => MeetingText.Status(Value<MeetingStatus>(status)),
        "supervision" => status == "resolved" ? UiText.L("已解决", "Resolved") : UiText.L("督办中", "Open"),
        "items" => status == "open" ? UiText.L("在办", "Open") : UiText.L("已办结", "Closed"),
        _ => UiText.Status(status),
    };

    public static string KindName(string section, string kind) => section switch
    {
        "items" => UiText.Kind(Value<ItemKind>(kind)),
        "bookings" => ResourceText.Kind(Value<ResourceKind>(kind)),
        "meetings" => MeetingText.Kind(Value<MeetingKind>(kind)),
        _ => kind,
    };

    private static TEnum Value<TEnum>(string wire)
        where TEnum : struct, Enum => WireTypes.Parse<TEnum>(wire) ?? default;
}
