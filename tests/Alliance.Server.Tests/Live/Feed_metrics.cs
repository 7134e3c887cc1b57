using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Alliance.Server.Features.Live;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Live;

/// <summary>The live feed reports its group commits and how long a change takes to leave as a push (meter <c>alliance</c>).</summary>
public sealed class Feed_metrics(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task A_published_change_records_its_group_its_append_and_its_push_lag()
    {
        var feed = app.Services.GetRequiredService<LiveFeed>();
        var seen = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "alliance" && instrument.Name.StartsWith("alliance.live.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((i, value, _, _) => seen.GetOrAdd(i.Name, _ => []).Add(value));
        listener.SetMeasurementEventCallback<double>((i, value, _, _) => seen.GetOrAdd(i.Name, _ => []).Add(value));
        listener.Start();

        var alliance = Guid.NewGuid();
        var change = new AllianceChangedEvent(alliance, "alliance.renamed", "指标测试") { At = app.Time.GetUtcNow() };
        var appended = await feed.PublishAsync(Guid.NewGuid(), [(StreamId.For(StreamId.Alliance, alliance), change)]);

        Assert.Single(appended);
        Assert.All(seen["alliance.live.group.size"], n => Assert.True(n >= 1));
        Assert.NotEmpty(seen["alliance.live.append.duration"]);
        Assert.Contains(0, seen["alliance.live.push.lag"]); // the fake clock stands still: pushed "at once"
    }
}
