using System.Globalization;

namespace Alliance.Server.Features.Reports;

/// <summary>
/// Months of the reports: yyyymm in China Standard Time, so an item closed at 23:59:59 on the last day of a month (China
/// time) counts in that month. yyyy00 stands for the whole year (the figure projection's year rows, <see cref="FigurePeriod"/>).
/// </summary>
public static class ReportMonth
{
    public static TimeZoneInfo ChinaTime { get; } = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The month (yyyymm, China time) of a UTC moment.</summary>
    public static int Of(DateTime utc)
    {
        var china = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), ChinaTime);
        return (china.Year * 100) + china.Month;
    }

    public static int Of(DateTimeOffset at) => Of(at.UtcDateTime);

    public static int Of(int year, int month) => (year * 100) + month;

    /// <summary>The whole year (yyyy00) a month (yyyymm) belongs to.</summary>
    public static int YearOf(int month) => month / 100 * 100;

    /// <summary>Is this yyyy00, a whole year, rather than a month?</summary>
    public static bool IsYear(int month) => month % 100 == 0;

    /// <summary>The month after <paramref name="month"/> (yyyymm).</summary>
    public static int Next(int month) => month % 100 == 12 ? ((month / 100) + 1) * 100 + 1 : month + 1;

    /// <summary>The month before <paramref name="month"/> (yyyymm).</summary>
    public static int Previous(int month) => month % 100 == 1 ? ((month / 100) - 1) * 100 + 12 : month - 1;

    /// <summary>Every month from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    public static IEnumerable<int> Range(int from, int to)
    {
        for (var m = from; m <= to; m = Next(m))
        {
            yield return m;
        }
    }

    /// <summary>The first moment (UTC) of a month in China time.</summary>
    public static DateTime StartUtc(int month) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(month / 100, month % 100, 1, 0, 0, 0, DateTimeKind.Unspecified), ChinaTime);

    /// <summary>"yyyy-MM" of a month, as the API and the pages show it.</summary>
    public static string Text(int month) => string.Create(CultureInfo.InvariantCulture, $"{month / 100:D4}-{month % 100:D2}");

    /// <summary>Reads "yyyy-MM"; false for anything else or a month out of range.</summary>
    public static bool TryParse(string? text, out int month)
    {
        month = 0;
        if (text is null || !DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }

        month = Of(date.Year, date.Month);
        return true;
    }
}
