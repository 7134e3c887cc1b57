using System.Globalization;
using Alliance.Server.Features.Organisations;
using M = Alliance.Server.Features.Reports.FigureMetrics;

namespace Alliance.Server.Features.Reports;

/// <summary>The report's figures from the summed projection rows of its scope (pure: no store, so the tests can check it directly).</summary>
public sealed record Figures(
    ItemFigures Items, SatisfactionFigures Satisfaction, CommitmentFigures Commitments, SharingFigures Sharing, MeetingFigures Meetings, WorkFigures Work,
    IReadOnlyList<MonthTrend> Trend, IReadOnlyList<OrganisationFigures> Organisations, IReadOnlyList<string> Lines)
{
    public static Figures Of(
        IReadOnlyList<Sum> sums, IReadOnlyList<TrendSum> monthly, int start, int end, IReadOnlyDictionary<OrganisationId, (string Name, string Kind)> names)
    {
        ArgumentNullException.ThrowIfNull(sums);
        ArgumentNullException.ThrowIfNull(monthly);
        ArgumentNullException.ThrowIfNull(names);
        var inPeriod = sums.ToList();
        var resolveHours = Of(inPeriod, M.ResolveHours);
        var items = new ItemFigures(
            Of(inPeriod, M.ItemsRaised), Of(inPeriod, M.ItemsResolved), Of(inPeriod, M.ItemsClosed), Of(inPeriod, M.ItemsOverdue), Of(inPeriod, M.ItemsEscalated),
            Percentile(resolveHours, 0.5), Percentile(resolveHours, 0.9), resolveHours);
        var satisfaction = SatisfactionOf(inPeriod);
        var assessed = Of(inPeriod, M.CommitmentsAssessed);
        var reports = Of(inPeriod, M.CommitmentReports);
        var commitments = new CommitmentFigures(
            Of(inPeriod, M.CommitmentsMade).Total, assessed.By.GetValueOrDefault("fulfilled"), assessed.By.GetValueOrDefault("partlyFulfilled"),
            assessed.By.GetValueOrDefault("notFulfilled"), reports.By.GetValueOrDefault("onTime"), reports.By.GetValueOrDefault("late"), Of(inPeriod, M.CommitmentReportsMissed).Total);
        var sharing = new SharingFigures(
            Of(inPeriod, M.ResourcesShared), Of(inPeriod, M.ResourcesByCategory), Of(inPeriod, M.BookingsUsed),
            Math.Round(Of(inPeriod, M.BookingMinutes).Total / 60.0, 1), Of(inPeriod, M.BookingsRequested).Total);
        var seats = Of(inPeriod, M.MeetingSeats).Total;
        var present = Of(inPeriod, M.MeetingPresent).Total;
        var resolutions = Of(inPeriod, M.Resolutions);
        var meetings = new MeetingFigures(Of(inPeriod, M.MeetingsHeld), seats, present, Rate(present, seats), resolutions.Total, resolutions.By.GetValueOrDefault("task"));
        var work = new WorkFigures(Of(inPeriod, M.TasksDone).Total, Of(inPeriod, M.TasksOverdue).Total, Of(inPeriod, M.Supervised).Total);
        var trend = ReportMonth.Range(start, end)
            .Select(m => new MonthTrend(ReportMonth.Text(m), Total(monthly, M.ItemsRaised, m), Total(monthly, M.ItemsResolved, m))).ToList();
        var organisations = inPeriod.GroupBy(s => s.OrganisationId).Select(g => Organisation(g.Key, [.. g], names)).OrderBy(o => o.Name, StringComparer.Ordinal).ToList();
        return new Figures(items, satisfaction, commitments, sharing, meetings, work, trend, organisations,
            LinesOf(items, satisfaction, commitments, sharing, meetings));
    }

    /// <summary>The lines district reports quote, from the figures (e.g. 承诺共建事项 N 项).</summary>
    private static List<string> LinesOf(ItemFigures items, SatisfactionFigures satisfaction, CommitmentFigures commitments, SharingFigures sharing, MeetingFigures meetings)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(c, $"承诺共建事项 {commitments.Made} 项"),
            string.Create(c, $"共享场地、物资 {sharing.ResourcesShared.Total} 个(处)"),
            string.Create(c, $"解决问题 {items.Resolved.Total} 个"),
            satisfaction.Rate is { } rate ? string.Create(c, $"满意率 {rate * 100:0.#}%") : "满意率 —（无评价）",
            string.Create(c, $"召开联席会议 {meetings.Held.Total} 次"),
        };
        return lines;
    }

    private static OrganisationFigures Organisation(OrganisationId id, List<Sum> sums, IReadOnlyDictionary<OrganisationId, (string Name, string Kind)> names)
    {
        var (name, kind) = names.TryGetValue(id, out var n) ? n : (id.ToString(), "");
        var seats = Of(sums, M.MeetingSeats).Total;
        var present = Of(sums, M.MeetingPresent).Total;
        var assessed = Of(sums, M.CommitmentsAssessed).By;
        return new OrganisationFigures(id, name, kind,
            Of(sums, M.ItemsRaised).Total, Of(sums, M.ItemsResolved).Total, Of(sums, M.TasksDone).Total, Of(sums, M.TasksOverdue).Total, Of(sums, M.Supervised).Total,
            SatisfactionOf(sums), Of(sums, M.CommitmentsMade).Total, assessed.GetValueOrDefault("fulfilled"),
            Of(sums, M.ResourcesShared).Total, Of(sums, M.BookingsUsed).Total, seats, present, Rate(present, seats),
            assessed.GetValueOrDefault("partlyFulfilled"), assessed.GetValueOrDefault("notFulfilled"));
    }

    private static SatisfactionFigures SatisfactionOf(List<Sum> sums)
    {
        var ratings = Of(sums, M.Satisfaction);
        var satisfied = ratings.By.GetValueOrDefault("satisfied");
        var basically = ratings.By.GetValueOrDefault("basicallySatisfied");
        return new SatisfactionFigures(satisfied, basically, ratings.By.GetValueOrDefault("unsatisfied"), Rate(satisfied + basically, ratings.Total));
    }

    public static double? Rate(long part, long whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);

    private static Breakdown Of(List<Sum> sums, string metric)
    {
        var by = sums.Where(s => s.Metric == metric).GroupBy(s => s.Dimension, StringComparer.Ordinal)
            .Select(g => (g.Key, Value: g.Sum(s => s.Value))).Where(g => g.Value != 0).ToDictionary(g => g.Key, g => g.Value, StringComparer.Ordinal);
        return new Breakdown(by.Values.Sum(), by);
    }

    private static long Total(IReadOnlyList<TrendSum> monthly, string metric, int month) => monthly.Where(s => s.Metric == metric && s.Month == month).Sum(s => s.Value);

    /// <summary>
    /// A percentile of the time to resolve, in hours, from the bucket counts: linear within the bucket it falls in (so exact
    /// to the bucket: ≤1 h, ≤2 h, ≤4 h, … ≤90 days); beyond the last bound, the last bound. Null without resolved items.
    /// </summary>
    public static double? Percentile(Breakdown buckets, double p)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        if (buckets.Total == 0)
        {
            return null;
        }

        var rank = p * buckets.Total;
        double lower = 0;
        long seen = 0;
        foreach (var bound in M.ResolveHourBuckets)
        {
            var count = buckets.By.GetValueOrDefault(bound.ToString(CultureInfo.InvariantCulture));
            if (count > 0 && seen + count >= rank)
            {
                return Math.Round(lower + ((bound - lower) * (rank - seen) / count), 1);
            }

            seen += count;
            lower = bound;
        }

        return M.ResolveHourBuckets[^1];
    }
}
