using System.Globalization;

namespace Alliance.Server.Features.Bulletins;

/// <summary>
/// Working days in China for the monthly bulletin: Monday to Friday, less the public holidays, plus the weekend days
/// worked in exchange (调休). The State Council sets the year's holidays each winter, so they are configuration:
/// <c>Alliance:Bulletins:Holidays</c> and <c>Alliance:Bulletins:WorkedWeekends</c>, comma-separated yyyy-MM-dd. Without
/// them, the fixed holidays are taken every year: 1 January, 1–5 May and 1–7 October (国庆).
/// </summary>
public sealed class WorkingDays(IReadOnlySet<DateOnly> holidays, IReadOnlySet<DateOnly> workedWeekends, bool fixedHolidays)
{
    public const string HolidaysKey = "Alliance:Bulletins:Holidays";
    public const string WorkedWeekendsKey = "Alliance:Bulletins:WorkedWeekends";

    public static WorkingDays From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var holidays = Dates(configuration[HolidaysKey]);
        return new(holidays, Dates(configuration[WorkedWeekendsKey]), fixedHolidays: holidays.Count == 0);
    }

    public bool IsWorkingDay(DateOnly day)
    {
        if (workedWeekends.Contains(day))
        {
            return true;
        }

        var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        return !weekend && !holidays.Contains(day) && !(fixedHolidays && IsFixedHoliday(day));
    }

    /// <summary>The first working day of the month (yyyymm).</summary>
    public DateOnly FirstOf(int month)
    {
        var day = new DateOnly(month / 100, month % 100, 1);
        while (!IsWorkingDay(day))
        {
            day = day.AddDays(1);
        }

        return day;
    }

    private static bool IsFixedHoliday(DateOnly day) =>
        (day.Month == 1 && day.Day == 1) || (day.Month == 5 && day.Day <= 5) || (day.Month == 10 && day.Day <= 7);

    private static HashSet<DateOnly> Dates(string? text)
    {
        var dates = new HashSet<DateOnly>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            dates.Add(DateOnly.TryParseExact(part, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? d
                : throw new InvalidOperationException($"{HolidaysKey} / {WorkedWeekendsKey}: '{part}' is not a date as yyyy-MM-dd."));
        }

        return dates;
    }
}
