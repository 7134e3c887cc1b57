using System.Globalization;
using Alliance.Server.Features.Resources;
using static Alliance.Server.Features.Resources.BookingsApi;

namespace Alliance.Server.Features.Ui.Pages.Resources;

/// <summary>One slot on a day of a resource's calendar: the caller's own (or, for the owner's side, any) booking, or a busy time.</summary>
public sealed record CalendarEntry(string Hours, string What, BookingStatus? Status);

/// <summary>One day of a resource's calendar in China Standard Time: when it is open, and what is booked or held.</summary>
public sealed record CalendarDay(DateOnly Date, string Opening, bool Closed, IReadOnlyList<CalendarEntry> Entries);

/// <summary>A resource's calendar as days (<see cref="BookingOperations.CalendarAsync"/> laid out per day) and its weekly hours as text.</summary>
public static class ResourceDays
{
    public const int Ahead = 14;

    public static IReadOnlyList<CalendarDay> Build(ResourcesApi.ResourceResponse resource, ResourceCalendar calendar, DateOnly first)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(calendar);
        var entries = calendar.Bookings.Where(b => b.Status is BookingStatus.Pending or BookingStatus.Confirmed)
            .Select(b => (b.Start, b.End, Entry: new CalendarEntry(ResourceText.Hours(b.Start, b.End), ResourceText.Status(b.Status), b.Status)))
            .Concat(calendar.Busy.Select(b => (b.Start, b.End, Entry: new CalendarEntry(ResourceText.Hours(b.Start, b.End),
                b.Why == "emergency" ? UiText.L("应急使用", "Emergency use") : UiText.L("已被预约", "Booked"), null))))
            .OrderBy(e => e.Start).ToList();
        var days = new List<CalendarDay>();
        for (var date = first; date < first.AddDays(Ahead); date = date.AddDays(1))
        {
            var (opening, closed) = Opening(resource, date);
            var on = entries.Where(e => ResourceText.Day(e.Start) <= date && ResourceText.Day(e.End.AddTicks(-1)) >= date).Select(e => e.Entry).ToList();
            days.Add(new(date, opening, closed, on));
        }

        return days;
    }

    /// <summary>The weekly hours, Monday first, consecutive days with the same hours on one line ("周一至周五 09:00–17:00").</summary>
    public static IEnumerable<string> Weekly(ResourcesApi.ResourceResponse resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var days = resource.OpeningHours.GroupBy(p => p.Day).OrderBy(g => ((int)g.Key + 6) % 7)
            .Select(g => (Day: g.Key, Hours: string.Join("、", g.Select(p => Period(p.From, p.To))))).ToList();
        for (var i = 0; i < days.Count;)
        {
            var j = i;
            while (j + 1 < days.Count && days[j + 1].Hours == days[i].Hours && ((int)days[j].Day + 1) % 7 == (int)days[j + 1].Day)
            {
                j++;
            }

            var span = j == i ? ResourceText.Weekday(days[i].Day) : ResourceText.Weekday(days[i].Day) + UiText.L("至", "–") + ResourceText.Weekday(days[j].Day);
            yield return $"{span} {days[i].Hours}";
            i = j + 1;
        }
    }

    private static (string Text, bool Closed) Opening(ResourcesApi.ResourceResponse resource, DateOnly date)
    {
        if (resource.Exceptions.FirstOrDefault(e => e.Date == date) is { } special)
        {
            var note = special.Note is { Length: > 0 } n ? $"（{n}）" : "";
            return special.Closed || special.Periods is not { Count: > 0 } periods
                ? (UiText.L("不开放", "Closed") + note, true)
                : (string.Join("、", periods.Select(p => Period(p.From, p.To))) + note, false);
        }

        var hours = resource.OpeningHours.Where(p => p.Day == date.DayOfWeek).ToList();
        return hours.Count == 0 ? (UiText.L("不开放", "Closed"), true) : (string.Join("、", hours.Select(p => Period(p.From, p.To))), false);
    }

    private static string Period(TimeOnly from, TimeOnly to) =>
        from == to && from == TimeOnly.MinValue ? UiText.L("全天", "all day")
        : $"{from.ToString("HH:mm", CultureInfo.InvariantCulture)}–{(to == TimeOnly.MinValue ? "24:00" : to.ToString("HH:mm", CultureInfo.InvariantCulture))}";
}
