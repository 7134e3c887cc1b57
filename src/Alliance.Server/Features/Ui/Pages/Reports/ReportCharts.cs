using System.Globalization;
using Alliance.Server.Features.Reports;

namespace Alliance.Server.Features.Ui.Pages.Reports;

/// <summary>One bar, slice or column of a chart.</summary>
public sealed record ChartPoint(string Label, double Value);

/// <summary>The figures of a report shaped for the dashboard's charts.</summary>
public static class ReportCharts
{
    public static IReadOnlyList<ChartPoint> Buckets(Breakdown hours) =>
        [.. FigureMetrics.ResolveHourBuckets.Select(b => b.ToString(CultureInfo.InvariantCulture)).Append("inf")
            .Select(b => new ChartPoint(b == "inf" ? UiText.L("更久", "longer") : Label(int.Parse(b, CultureInfo.InvariantCulture)), hours.By.GetValueOrDefault(b)))
            .SkipWhile(p => p.Value == 0).Reverse().SkipWhile(p => p.Value == 0).Reverse()];

    private static string Label(int hours) => hours >= 48 && hours % 24 == 0 ? UiText.L($"≤{hours / 24}天", $"≤{hours / 24}d") : UiText.L($"≤{hours}小时", $"≤{hours}h");

    public static IReadOnlyList<ChartPoint> Satisfaction(SatisfactionFigures s) =>
    [
        new(UiText.L("满意", "Satisfied"), s.Satisfied),
        new(UiText.L("基本满意", "Basically satisfied"), s.BasicallySatisfied),
        new(UiText.L("不满意", "Unsatisfied"), s.Unsatisfied),
    ];

    public static IReadOnlyList<ChartPoint> Top(Breakdown breakdown, int count) =>
        [.. breakdown.By.OrderByDescending(b => b.Value).ThenBy(b => b.Key, StringComparer.Ordinal).Take(count).Select(b => new ChartPoint(b.Key, b.Value))];

    public static IReadOnlyList<OrganisationFigures> Ranked(IEnumerable<OrganisationFigures> organisations) =>
        [.. organisations.OrderByDescending(o => o.Participation).ThenBy(o => o.Name, StringComparer.Ordinal)];

    public static IReadOnlyList<ChartPoint> Ranking(IEnumerable<OrganisationFigures> organisations, int count) =>
        [.. Ranked(organisations).Take(count).Select(o => new ChartPoint(o.Name, Math.Max(0, o.Participation)))];
}
