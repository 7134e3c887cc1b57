using Alliance.Server.Features.Reports;
using CsCheck;

namespace Alliance.Server.Tests.Reports;

/// <summary>
/// <see cref="FigurePeriod"/>: which month rows (yyyymm) and year rows (yyyy00) a report reads, and with which sign. The
/// sums it gives must equal plain month sums for any period and any figures.
/// </summary>
public sealed class Reading_a_period
{
    [Fact]
    public void A_whole_year_reads_its_year_row_alone()
    {
        var period = FigurePeriod.Of(202601, 202612);

        Assert.Equal([202600], period.Added);
        Assert.Empty(period.Subtracted);
    }

    [Fact]
    public void Most_of_a_year_reads_the_year_row_minus_the_months_left_out()
    {
        var period = FigurePeriod.Of(202602, 202611);

        Assert.Equal([202600], period.Added);
        Assert.Equal([202601, 202612], period.Subtracted);
    }

    [Fact]
    public void Half_a_year_or_less_reads_its_months()
    {
        var period = FigurePeriod.Of(202511, 202606);

        Assert.Equal([202511, 202512, 202601, 202602, 202603, 202604, 202605, 202606], period.Added);
        Assert.Empty(period.Subtracted);
    }

    [Fact]
    public void A_year_row_is_not_a_month_to_start_or_end_at() =>
        Assert.Throws<ArgumentException>(() => FigurePeriod.Of(202600, 202612));

    [Fact]
    public void Sum_to_the_months_of_the_period_for_any_period_and_figures()
    {
        var months = Gen.Int[2023, 2027].Select(Gen.Int[1, 12], (y, m) => ReportMonth.Of(y, m));
        var figures = Gen.Dictionary(months, Gen.Long[-50, 50])[0, 40];
        Gen.Select(figures, months, months).Sample((values, a, b) =>
        {
            var (start, end) = a <= b ? (a, b) : (b, a);
            var rows = new Dictionary<int, long>(values);
            foreach (var (month, value) in values)
            {
                rows[ReportMonth.YearOf(month)] = rows.GetValueOrDefault(ReportMonth.YearOf(month)) + value;
            }

            var period = FigurePeriod.Of(start, end);
            var read = period.Added.Sum(m => rows.GetValueOrDefault(m)) - period.Subtracted.Sum(m => rows.GetValueOrDefault(m));

            var expected = values.Where(v => v.Key >= start && v.Key <= end).Sum(v => v.Value);
            Assert.Equal(expected, read);
            Assert.True(period.Read.Count <= 6 * ((end / 100) - (start / 100) + 1), "at most six rows per year the period touches");
        }, iter: 2000);
    }
}
