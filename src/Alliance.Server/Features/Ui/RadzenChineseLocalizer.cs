using System.Globalization;
using Radzen;

namespace Alliance.Server.Features.Ui;

/// <summary>
/// Radzen's own texts in Chinese. Radzen.Blazor ships German, French, Spanish, Italian, Japanese and Portuguese but
/// not Chinese, so the zh-CN texts of the components the UI uses (data grid, pager, scheduler, date picker, drop-down,
/// dialog, tabs, steps) are here; a key missing here falls back to Radzen's English (docs/adr/0007-ui-component-library.md).
/// </summary>
public sealed class RadzenChineseLocalizer : ILocalizer
{
    private static readonly Dictionary<string, string> Chinese = new(StringComparer.Ordinal)
    {
        ["DataGrid_FilterText"] = "筛选",
        ["DataGrid_EnumFilterSelectText"] = "请选择…",
        ["DataGrid_EnumNullFilterText"] = "无值",
        ["DataGrid_AndOperatorText"] = "且",
        ["DataGrid_OrOperatorText"] = "或",
        ["DataGrid_ApplyFilterText"] = "应用",
        ["DataGrid_ClearFilterText"] = "清除",
        ["DataGrid_EqualsText"] = "等于",
        ["DataGrid_NotEqualsText"] = "不等于",
        ["DataGrid_LessThanText"] = "小于",
        ["DataGrid_LessThanOrEqualsText"] = "小于等于",
        ["DataGrid_GreaterThanText"] = "大于",
        ["DataGrid_GreaterThanOrEqualsText"] = "大于等于",
        ["DataGrid_EndsWithText"] = "结尾是",
        ["DataGrid_ContainsText"] = "包含",
        ["DataGrid_DoesNotContainText"] = "不包含",
        ["DataGrid_InText"] = "属于",
        ["DataGrid_NotInText"] = "不属于",
        ["DataGrid_StartsWithText"] = "开头是",
        ["DataGrid_IsNotNullText"] = "不为空",
        ["DataGrid_IsNullText"] = "为空",
        ["DataGrid_IsEmptyText"] = "为空字符串",
        ["DataGrid_IsNotEmptyText"] = "非空字符串",
        ["DataGrid_EmptyText"] = "暂无数据。",
        ["DataGrid_CustomText"] = "自定义",
        ["DataGrid_ColumnsShowingText"] = "列已显示",
        ["DataGrid_AllColumnsText"] = "全部",
        ["DataGrid_ColumnsText"] = "列",
        ["DataGrid_GroupPanelText"] = "拖动列标题到此处按该列分组",
        ["DataGrid_ExpandAllTitle"] = "全部展开",
        ["DataGrid_CollapseAllTitle"] = "全部收起",
        ["Pager_FirstPageTitle"] = "首页",
        ["Pager_FirstPageAriaLabel"] = "转到首页。",
        ["Pager_PrevPageTitle"] = "上一页",
        ["Pager_PrevPageAriaLabel"] = "转到上一页。",
        ["Pager_LastPageTitle"] = "末页",
        ["Pager_LastPageAriaLabel"] = "转到末页。",
        ["Pager_NextPageTitle"] = "下一页",
        ["Pager_NextPageAriaLabel"] = "转到下一页。",
        ["Pager_PageTitleFormat"] = "第 {0} 页",
        ["Pager_PageAriaLabelFormat"] = "转到第 {0} 页。",
        ["Pager_PageSizeText"] = "条/页",
        ["Pager_NavigationAriaLabel"] = "分页",
        ["Pager_PagingSummaryFormat"] = "第 {0} / {1} 页（共 {2} 条）",
        ["Scheduler_TodayText"] = "今天",
        ["Scheduler_NextText"] = "下一页",
        ["Scheduler_PrevText"] = "上一页",
        ["Scheduler_AllDayText"] = "全天",
        ["DatePicker_ToggleAriaLabel"] = "打开日历",
        ["DatePicker_PopupAriaLabel"] = "日期选择",
        ["DatePicker_ClearAriaLabel"] = "清除",
        ["DatePicker_HourAriaLabel"] = "时",
        ["DatePicker_MinutesAriaLabel"] = "分",
        ["DatePicker_SecondsAriaLabel"] = "秒",
        ["DatePicker_OkAriaLabel"] = "确定",
        ["DatePicker_PrevMonthAriaLabel"] = "上个月",
        ["DatePicker_NextMonthAriaLabel"] = "下个月",
        ["DatePicker_PrevYearAriaLabel"] = "上一年",
        ["DatePicker_NextYearAriaLabel"] = "下一年",
        ["DatePicker_TodayAriaLabel"] = "今天",
        ["DatePicker_SelectedAriaLabel"] = "已选",
        ["DatePicker_DisabledAriaLabel"] = "不可选",
        ["DropDown_RemoveChipTitle"] = "移除",
        ["DropDown_ClearAriaLabel"] = "清除",
        ["DropDown_SearchAriaLabel"] = "搜索",
        ["DropDown_EmptyAriaLabel"] = "无选项",
        ["DropDown_SelectedItemsText"] = "项已选",
        ["Dialog_CloseAriaLabel"] = "关闭对话框",
        ["Tabs_MoreAriaLabel"] = "更多标签",
        ["Tabs_CloseTitle"] = "关闭标签",
        ["Steps_TabListAriaLabel"] = "步骤",
        ["Steps_NextText"] = "下一步",
        ["Steps_PreviousText"] = "上一步",
    };

    public string? Get(string key, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return culture.TwoLetterISOLanguageName == "zh" && Chinese.TryGetValue(key, out var text) ? text : null;
    }

    /// <summary>How many of Radzen's texts have a Chinese version here.</summary>
    public static int Count => Chinese.Count;
}
