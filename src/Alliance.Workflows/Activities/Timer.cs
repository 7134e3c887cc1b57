using System.Globalization;
using System.Text.Json.Serialization;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Cronos;

namespace Alliance.Workflows.Activities;

/// <summary>Waits for a duration, until an absolute time (expression), or until the next occurrence of a cron schedule (exactly one of them).</summary>
public sealed record Timer : Activity
{
    [JsonPropertyName("duration")]
    public string? Duration { get; init; }

    /// <summary>A JavaScript expression giving an ISO 8601 date-time.</summary>
    [JsonPropertyName("at")]
    public string? At { get; init; }

    /// <summary>
    /// A 5-field cron expression, evaluated in <see cref="TimeZone"/> (default UTC); or a JavaScript expression giving
    /// one (e.g. <c>vars.reportSchedule</c>, a setting passed in as an input). A text that parses as cron is a literal.
    /// </summary>
    [JsonPropertyName("cron")]
    public string? Cron { get; init; }

    /// <summary>A time zone id (IANA or Windows), or a JavaScript expression giving one (e.g. <c>vars.timeZone</c>).</summary>
    [JsonPropertyName("timeZone")]
    public string? TimeZone { get; init; }

    /// <summary>Whether <paramref name="cron"/> is a literal 5-field cron expression rather than an expression giving one.</summary>
    public static bool IsCronLiteral(string cron) => CronExpression.TryParse(cron, out _);

    /// <summary>Whether <paramref name="timeZone"/> is a time zone id rather than an expression giving one.</summary>
    public static bool IsTimeZoneLiteral(string timeZone) => TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _);

    public override bool Waits => true;

    internal override IEnumerable<(string Property, string Source)> Expressions()
    {
        if (At is not null)
        {
            yield return ("at", At);
        }

        if (Cron is not null && !IsCronLiteral(Cron))
        {
            yield return ("cron", Cron);
        }

        if (TimeZone is not null && !IsTimeZoneLiteral(TimeZone))
        {
            yield return ("timeZone", TimeZone);
        }
    }

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        context.AddTimer(TimerPurpose.Resume, DueFrom(context));
        return None;
    }

    internal override IReadOnlyList<string> OnTimer(ActivityContext context, Bookmark timer) => Done;

    private DateTime DueFrom(ActivityContext context)
    {
        var now = context.UtcNow;
        if (Duration is not null)
        {
            return now + context.Duration(Duration);
        }

        if (At is not null)
        {
            var text = context.EvaluateString(At) ?? throw new InvalidOperationException("Timer 'at' gave no value");
            return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime;
        }

        var zoneId = TimeZone is null ? null : IsTimeZoneLiteral(TimeZone) ? TimeZone : context.EvaluateString(TimeZone);
        var zone = zoneId is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var cron = IsCronLiteral(Cron!) ? Cron! : context.EvaluateString(Cron) ?? throw new InvalidOperationException($"cron '{Cron}' gave no value");
        var next = CronExpression.Parse(cron).GetNextOccurrence(DateTime.SpecifyKind(now, DateTimeKind.Utc), zone)
            ?? throw new InvalidOperationException($"cron '{cron}' has no next occurrence");
        return next;
    }
}
