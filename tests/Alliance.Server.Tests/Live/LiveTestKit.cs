using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Alliance.Contracts.Alliances;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Tests.Infrastructure;
using MassTransit;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Live;

/// <summary>Records what one connection receives of the stream events, and waits (bounded) for them.</summary>
public sealed class Received
{
    private readonly ConcurrentQueue<AllianceChangedEvent> _events = new();
    private readonly Channel<bool> _signal = Channel.CreateUnbounded<bool>();

    public static Received On(HubConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var received = new Received();
        connection.On<AllianceChangedEvent>(nameof(IAllianceClient.AllianceChanged), e =>
        {
            received._events.Enqueue(e);
            received._signal.Writer.TryWrite(true);
        });
        return received;
    }

    public IReadOnlyList<AllianceChangedEvent> Events => [.. _events];

    public async Task<IReadOnlyList<AllianceChangedEvent>> WaitForAsync(int count, TimeSpan patience)
    {
        using var deadline = new CancellationTokenSource(patience);
        while (_events.Count < count)
        {
            try
            {
                await _signal.Reader.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return Events;
    }
}

public static class LiveTestKit
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Publishes alliance changes on the bus, as the alliance administration does.</summary>
    public static async Task PublishChangesAsync(AllianceAppFactory app, Guid allianceId, int count, string label = "test")
    {
        ArgumentNullException.ThrowIfNull(app);
        var bus = app.Services.GetRequiredService<IBus>();
        for (var i = 1; i <= count; i++)
        {
            await bus.Publish(new AllianceChanged(allianceId, $"{label}.{i}", "name"));
        }
    }

    public static async Task<WatchResult> WatchAsync(HubConnection connection, string stream)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.InvokeAsync<WatchResult>("Watch", stream);
    }

    public static async Task<List<JsonElement>> ResumeAllAsync(HubConnection connection, string stream, long after)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var all = new List<JsonElement>();
        while (true)
        {
            var page = await connection.InvokeAsync<JsonElement>("Resume", stream, after);
            foreach (var e in page.GetProperty("events").EnumerateArray())
            {
                all.Add(e);
                after = e.GetProperty("sequence").GetInt64();
            }

            if (!page.GetProperty("hasMore").GetBoolean())
            {
                return all;
            }
        }
    }

    /// <summary>Waits (bounded) until the stream's head reaches <paramref name="head"/>, i.e. the feed has appended that far.</summary>
    public static async Task WaitForHeadAsync(HttpClient client, string stream, long head)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var deadline = new CancellationTokenSource(Patience);
        while ((await client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}/events?after={head}", deadline.Token)).GetProperty("head").GetInt64() < head)
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
