using System.Diagnostics.Metrics;
using System.Globalization;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Infrastructure.Reliability;

/// <summary>
/// The undispatched rows of each outbox of the host and the age of the oldest, sampled every few seconds (one
/// indexed count per outbox) and exposed on the <c>alliance</c> meter as observable gauges:
/// <c>alliance.outbox.backlog</c> (rows not yet published) and <c>alliance.outbox.oldest.age</c> (seconds the oldest
/// of them has waited), each tagged <c>outbox</c> = <c>host</c> (the host's integration events, item events included) or <c>workflow</c> (the runtime's messages). A backlog that
/// grows while the broker is down, and an age that keeps growing after it is back, are the signs to watch.
/// </summary>
public sealed class OutboxBacklog : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Each outbox: its tag, table and the column that holds when its row was written.</summary>
    private static readonly (string Name, string Table, string Written)[] Outboxes =
    [
        ("host", "outbox_messages", "CreatedUtc"),
        ("workflow", "wf_outbox", "CreatedUtc"),
    ];

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxBacklog> _logger;
    private volatile IReadOnlyDictionary<string, Sample> _samples = new Dictionary<string, Sample>();

    public OutboxBacklog(IServiceScopeFactory scopes, TimeProvider time, IMeterFactory meters, ILogger<OutboxBacklog> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _scopes = scopes;
        _time = time;
        _logger = logger;
        var meter = meters.Create(TelemetrySetup.ServiceName);
        meter.CreateObservableGauge("alliance.outbox.backlog", ObserveBacklog, "{event}", "Outbox rows written but not yet published on the bus");
        meter.CreateObservableGauge("alliance.outbox.oldest.age", ObserveOldestAge, "s", "How long the oldest unpublished outbox row has waited");
    }

    /// <summary>The last sample of each outbox (by tag).</summary>
    public IReadOnlyDictionary<string, Sample> Samples => _samples;

    /// <summary>Counts each outbox's undispatched rows now and keeps the result for the gauges.</summary>
    public async Task<IReadOnlyDictionary<string, Sample>> SampleAsync(CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var samples = new Dictionary<string, Sample>(StringComparer.Ordinal);
            foreach (var (name, table, written) in Outboxes)
            {
                await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // table and column names are the constants above
                command.CommandText = $"SELECT COUNT(*), MIN(\"{written}\") FROM {table} WHERE \"DispatchedUtc\" IS NULL";
#pragma warning restore CA2100
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                var count = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
                samples[name] = new Sample(count, reader.IsDBNull(1) ? null : AsUtc(reader.GetValue(1)));
            }

            _samples = samples;
            return samples;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The sampling interval is wall-clock polling, not business time: on the injected clock a test that moves a fake
        // clock by days made this timer tick once per 5 s of it (170,000 ticks for 10 days) inside the move.
        using var timer = new PeriodicTimer(Interval, TimeProvider.System);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogDebug(e, "Outbox backlog not sampled");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private IEnumerable<Measurement<long>> ObserveBacklog() =>
        _samples.Select(s => new Measurement<long>(s.Value.Undispatched, new KeyValuePair<string, object?>("outbox", s.Key)));

    private IEnumerable<Measurement<double>> ObserveOldestAge()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return _samples.Select(s => new Measurement<double>(
            s.Value.OldestUtc is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0, new KeyValuePair<string, object?>("outbox", s.Key)));
    }

    private static DateTime AsUtc(object value) => value switch
    {
        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
        DateTimeOffset o => o.UtcDateTime,
        string s => DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        _ => throw new InvalidCastException($"Unexpected timestamp {value.GetType()}"),
    };

    /// <summary>One outbox's backlog: rows not yet dispatched, and when the oldest of them was written.</summary>
    public sealed record Sample(long Undispatched, DateTime? OldestUtc);
}
