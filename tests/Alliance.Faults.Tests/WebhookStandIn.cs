using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Alliance.Faults.Tests;

/// <summary>
/// A real HTTP server on 127.0.0.1 (a port of the kernel's choosing) standing in for a WeCom group robot
/// (<c>POST /cgi-bin/webhook/send?key=...</c>). It counts every request by the message's first line (the
/// notification's title) the moment it arrives, then holds it open for <c>hold</c> before answering
/// <c>{"errcode":0}</c>, so that a node killed meanwhile has requests in flight whose outcome it never learns.
/// </summary>
public sealed class WebhookStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeSpan _hold;
    private int _inFlight;
    private int _total;

    private WebhookStandIn(WebApplication app, TimeSpan hold)
    {
        _app = app;
        _hold = hold;
    }

    /// <summary>Requests received per title (first line of the message), counted on arrival.</summary>
    public ConcurrentDictionary<string, int> Received { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests received and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public int Total => Volatile.Read(ref _total);

    public string BaseUrl { get; private set; } = "";

    public string WeComUrl(string key) => $"{BaseUrl}/cgi-bin/webhook/send?key={key}";

    public static async Task<WebhookStandIn> StartAsync(TimeSpan hold)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new WebhookStandIn(app, hold);
        app.MapPost("/cgi-bin/webhook/send", (Delegate)standIn.HandleAsync);
        await app.StartAsync();
        standIn.BaseUrl = app.Urls.Single().TrimEnd('/');
        return standIn;
    }

    private async Task<IResult> HandleAsync(HttpContext http)
    {
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
        var content = body.TryGetProperty("text", out var text) && text.TryGetProperty("content", out var c) ? c.GetString() ?? "" : "";
        var title = content.Split('\n')[0];
        Received.AddOrUpdate(title, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
        Interlocked.Increment(ref _inFlight);
        try
        {
            // held whether or not the sender is still there: a killed node's request was received all the same
            await Task.Delay(_hold, CancellationToken.None);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }

        return Results.Text("{\"errcode\":0,\"errmsg\":\"ok\"}", "application/json");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
