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
public static class Received
{
    /// <summary>The <c>AllianceChanged</c> events (the alliance stream's events that tests publish on the bus).</summary>
    public static Received<AllianceChangedEvent> On(HubConnection connection) =>
        On<AllianceChangedEvent>(connection, nameof(IAllianceClient.AllianceChanged));

    /// <summary>What the connection receives of the client method <paramref name="method"/>.</summary>
    public static Received<T> On<T>(HubConnection connection, string method)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var received = new Received<T>();
        connection.On<T>(method, received.Add);
        return received;
    }
}

/// <summary>Records what one connection receives of one client method, in arrival order, and waits (bounded) for it.</summary>
public sealed class Received<T>
{
    private readonly ConcurrentQueue<T> _events = new();
    private readonly Channel<bool> _signal = Channel.CreateUnbounded<bool>();

    internal void Add(T e)
    {
        _events.Enqueue(e);
        _signal.Writer.TryWrite(true);
    }

    public IReadOnlyList<T> Events => [.. _events];

    /// <summary>Waits until <paramref name="count"/> have arrived or the patience runs out; returns what arrived either way.</summary>
    public async Task<IReadOnlyList<T>> WaitForAsync(int count, TimeSpan patience)
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

    /// <summary>The first arrival that matches, once it has arrived; throws when the patience runs out first.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, TimeSpan patience)
    {
        using var deadline = new CancellationTokenSource(patience);
        while (true)
        {
            foreach (var e in _events)
            {
                if (match(e))
                {
                    return e;
                }
            }

            await _signal.Reader.ReadAsync(deadline.Token);
        }
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
