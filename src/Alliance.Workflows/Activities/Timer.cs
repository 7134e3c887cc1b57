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

    /// <summary>A 5-field cron expression, evaluated in <see cref="TimeZone"/> (default UTC).</summary>
    [JsonPropertyName("cron")]
    public string? Cron { get; init; }

    [JsonPropertyName("timeZone")]
    public string? TimeZone { get; init; }

    public override bool Waits => true;

    internal override IEnumerable<(string Property, string Source)> Expressions() =>
        At is null ? [] : [("at", At)];

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

        var zone = TimeZone is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var next = CronExpression.Parse(Cron!).GetNextOccurrence(DateTime.SpecifyKind(now, DateTimeKind.Utc), zone)
            ?? throw new InvalidOperationException($"cron '{Cron}' has no next occurrence");
        return next;
    }
}
