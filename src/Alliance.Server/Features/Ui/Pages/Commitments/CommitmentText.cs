using System.Globalization;

namespace Alliance.Server.Features.Ui.Pages.Commitments;

/// <summary>The words for a commitment's status and a reporting period's state, and numbers in zh-CN format.</summary>
public static class CommitmentText
{
    public static readonly IReadOnlyList<string> Statuses =
        ["draft", "submitted", "returned", "confirmed", "assessing", "fulfilled", "partly-fulfilled", "not-fulfilled"];

    public static string Status(string status) => status switch
    {
        "draft" => UiText.L("草稿", "Draft"),
        "submitted" => UiText.L("待联盟确认", "Awaiting confirmation"),
        "returned" => UiText.L("已退回", "Returned"),
        "confirmed" => UiText.L("已确认公示", "Confirmed and published"),
        "assessing" => UiText.L("年终评估中", "Year-end assessment"),
        "fulfilled" => UiText.L("已履行", "Fulfilled"),
        "partly-fulfilled" => UiText.L("部分履行", "Partly fulfilled"),
        "not-fulfilled" => UiText.L("未履行", "Not fulfilled"),
        _ => status,
    };

    public static string Period(string state) => state switch
    {
        "open" => UiText.L("待报告", "To report"),
        "reported" => UiText.L("已报告", "Reported"),
        "reportedLate" => UiText.L("逾期报告", "Reported late"),
        "missing" => UiText.L("未报告", "Missed"),
        _ => state,
    };

    public static string Number(decimal value) => value.ToString("#,0.##", CultureInfo.GetCultureInfo("zh-CN"));
}
