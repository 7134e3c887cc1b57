namespace Alliance.Server.Features.Reports;

/// <summary>
/// Which rows of the figure projection make up a period of months, and with which sign. Every figure has a row per month
/// (yyyymm) and one per year (yyyy00, the sum of its months; <see cref="FigureSources.AddAsync"/>). A year the period
/// covers whole is read from its year row; one it covers mostly, from the year row minus the months left out; one it
/// touches for six months or fewer, from those months. So a year's report reads one row per figure instead of twelve,
/// and the sums are exact either way. Pure: the property test checks it against plain month sums.
/// </summary>
public sealed record FigurePeriod(IReadOnlyList<int> Added, IReadOnlyList<int> Subtracted)
{
    /// <summary>Every row read, added or subtracted.</summary>
    public IReadOnlyList<int> Read => [.. Added, .. Subtracted];

    /// <summary>The rows for the months from <paramref name="start"/> to <paramref name="end"/> (yyyymm), both included.</summary>
    public static FigurePeriod Of(int start, int end)
    {
        if (ReportMonth.IsYear(start) || ReportMonth.IsYear(end))
        {
            throw new ArgumentException("A period runs between months (yyyymm with mm 01–12).");
        }

        var added = new List<int>();
        var subtracted = new List<int>();
        for (var year = start / 100; year <= end / 100; year++)
        {
            var first = Math.Max(start, ReportMonth.Of(year, 1));
            var last = Math.Min(end, ReportMonth.Of(year, 12));
            var months = (last % 100) - (first % 100) + 1;
            if (months > 6)
            {
                added.Add(ReportMonth.YearOf(first));
                subtracted.AddRange(ReportMonth.Range(ReportMonth.Of(year, 1), ReportMonth.Of(year, 12)).Where(m => m < first || m > last));
            }
            else
            {
                added.AddRange(ReportMonth.Range(first, last));
            }
        }

        return new(added, subtracted);
    }
}
