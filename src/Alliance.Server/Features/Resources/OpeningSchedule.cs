using Alliance.Server.Infrastructure.Problems;

namespace Alliance.Server.Features.Resources;

/// <summary>Whether a slot lies within a resource's opening hours.</summary>
public enum OpeningCheck
{
    Open,

    /// <summary>Some part of the slot falls on an exception date on which it is closed.</summary>
    ClosedOnException,

    /// <summary>Some part of the slot falls outside the weekly (or the exception date's special) hours.</summary>
    OutsideHours,
}

/// <summary>
/// Opening hours: weekly periods in the alliance's time zone, replaced on an exception date by that date's special
/// hours (or by nothing, when it is closed). A period ending at 00:00 runs to midnight. A slot is open when every
/// grain of it (<see cref="Resource.SlotMinutes"/>) lies inside one period of its own date, so a booking may run over
/// several days only where the hours run round the clock.
/// </summary>
public static class OpeningSchedule
{
    public static readonly int[] AllowedSlotMinutes = [15, 30, 60, 120, 240, 1440];

    private static readonly TimeSpan Midnight = TimeSpan.FromDays(1);

    public static OpeningCheck Check(Resource resource, DateTime localStart, DateTime localEnd)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var grain = TimeSpan.FromMinutes(resource.SlotMinutes);
        for (var t = localStart; t < localEnd; t += grain)
        {
            var date = DateOnly.FromDateTime(t);
            var exception = resource.Exceptions.FirstOrDefault(e => e.Date == date);
            if (exception is { Closed: true })
            {
                return OpeningCheck.ClosedOnException;
            }

            var periods = exception is not null
                ? (exception.Periods ?? []).Select(p => (p.From, p.To))
                : resource.OpeningHours.Where(p => p.Day == t.DayOfWeek).Select(p => (p.From, p.To));
            var from = t.TimeOfDay;
            var to = from + grain;
            if (!periods.Any(p => p.From.ToTimeSpan() <= from && to <= End(p.To)))
            {
                return exception is not null && (exception.Periods ?? []).Count == 0 ? OpeningCheck.ClosedOnException : OpeningCheck.OutsideHours;
            }
        }

        return OpeningCheck.Open;
    }

    /// <summary>The slot's start and end in the time zone, and whether both lie on the resource's grain.</summary>
    public static (DateTime Start, DateTime End, bool Aligned) Local(Resource resource, DateTimeOffset start, DateTimeOffset end, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var localStart = TimeZoneInfo.ConvertTime(start, zone).DateTime;
        var localEnd = TimeZoneInfo.ConvertTime(end, zone).DateTime;
        var grain = TimeSpan.FromMinutes(resource.SlotMinutes);
        var aligned = localStart.TimeOfDay.Ticks % grain.Ticks == 0 && (end - start).Ticks % grain.Ticks == 0;
        return (localStart, localEnd, aligned);
    }

    public static void Validate(FieldErrors errors, int? slotMinutes, List<OpeningPeriod>? hours, List<SpecialDate>? exceptions)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (slotMinutes is { } grain && !AllowedSlotMinutes.Contains(grain))
        {
            errors.Add("slotMinutes", "预约时段粒度须为 15、30、60、120、240 或 1440 分钟。", "The slot length must be 15, 30, 60, 120, 240 or 1440 minutes.");
        }

        if (hours is null || hours.Count == 0)
        {
            errors.Add("openingHours", "请填写每周开放时间。", "The weekly opening hours are required.");
        }
        else if (hours.Count > 50)
        {
            errors.Add("openingHours", "每周开放时段最多 50 个。", "At most 50 weekly opening periods.");
        }
        else
        {
            for (var i = 0; i < hours.Count; i++)
            {
                var p = hours[i];
                if (p is null || !Enum.IsDefined(p.Day))
                {
                    errors.Add($"openingHours[{i}].day", "请填写星期几（0=周日 … 6=周六）。", "The day is required (0 = Sunday … 6 = Saturday).");
                }
                else if (!Valid(p.From, p.To, grain: slotMinutes ?? 30))
                {
                    errors.Add($"openingHours[{i}]", "开放时段须结束晚于开始（00:00 表示午夜），并落在预约粒度上。",
                        "An opening period must end after it starts (00:00 means midnight) and lie on the slot grain.");
                }
                else if (hours.Take(i).Any(q => q is not null && q.Day == p.Day && q.From.ToTimeSpan() < End(p.To) && p.From.ToTimeSpan() < End(q.To)))
                {
                    errors.Add($"openingHours[{i}]", "同一天的开放时段不能重叠。", "Opening periods on the same day cannot overlap.");
                }
            }
        }

        if (exceptions is { Count: > 366 })
        {
            errors.Add("exceptions", "例外日期最多 366 个。", "At most 366 exception dates.");
            return;
        }

        for (var i = 0; i < (exceptions?.Count ?? 0); i++)
        {
            var e = exceptions![i];
            if (e is null || e.Date == default)
            {
                errors.Add($"exceptions[{i}].date", "请填写例外日期。", "The exception date is required.");
                continue;
            }

            if (exceptions.Take(i).Any(x => x?.Date == e.Date))
            {
                errors.Add($"exceptions[{i}].date", "例外日期重复。", "The exception date is listed twice.");
            }

            if (e.Closed && e.Periods is { Count: > 0 })
            {
                errors.Add($"exceptions[{i}].periods", "闭馆日不能再填写开放时段。", "A closed date has no opening periods.");
            }
            else if (!e.Closed && (e.Periods is null || e.Periods.Count == 0))
            {
                errors.Add($"exceptions[{i}].periods", "请填写特别开放时段，或标记为闭馆。", "Give the special opening periods, or mark the date closed.");
            }
            else if (e.Periods is not null && e.Periods.Any(p => p is null || !Valid(p.From, p.To, slotMinutes ?? 30)))
            {
                errors.Add($"exceptions[{i}].periods", "特别开放时段须结束晚于开始，并落在预约粒度上。", "Special periods must end after they start and lie on the slot grain.");
            }

            if (e.Note is { Length: > 200 })
            {
                errors.Add($"exceptions[{i}].note", "说明不能超过 200 个字符。", "The note must be at most 200 characters.");
            }
        }
    }

    private static bool Valid(TimeOnly from, TimeOnly to, int grain) =>
        End(to) > from.ToTimeSpan()
        && from.ToTimeSpan().Ticks % TimeSpan.FromMinutes(Math.Min(grain, 60 * 24)).Ticks == 0
        && End(to).Ticks % TimeSpan.FromMinutes(Math.Min(grain, 60 * 24)).Ticks == 0;

    private static TimeSpan End(TimeOnly to) => to == TimeOnly.MinValue ? Midnight : to.ToTimeSpan();
}
