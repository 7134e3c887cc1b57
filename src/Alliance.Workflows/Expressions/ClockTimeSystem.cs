using System.Globalization;
using Jint.Runtime;

namespace Alliance.Workflows.Expressions;

/// <summary>JavaScript's clock (<c>new Date()</c>, <c>Date.now()</c>) set to the runtime's <see cref="TimeProvider"/> time for each evaluation; UTC.</summary>
internal sealed class ClockTimeSystem : ITimeSystem
{
    private readonly DefaultTimeSystem _inner = new(TimeZoneInfo.Utc, CultureInfo.InvariantCulture);

    public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

    public TimeZoneInfo DefaultTimeZone => _inner.DefaultTimeZone;

    public DateTimeOffset GetUtcNow() => Now;

    public TimeSpan GetUtcOffset(long epochMilliseconds) => _inner.GetUtcOffset(epochMilliseconds);

    public bool TryParse(string date, out long epochMilliseconds) => _inner.TryParse(date, out epochMilliseconds);
}
