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

    private WebhookStandIn(WebApplication app, TimeSpan hold)
    {
        _app = app;
        _hold = hold;
    }

    /// <summary>Requests received per title (first line of the message), counted on arrival.</summary>
    public ConcurrentDictionary<string, int> Received { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests received and not yet answered, per title.</summary>
    public ConcurrentDictionary<string, int> Held { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests received and not yet answered whose title passes <paramref name="which"/>.</summary>
    public int InFlight(Func<string, bool> which) => Held.Where(h => which(h.Key)).Sum(h => h.Value);

    /// <summary>Requests received whose title passes <paramref name="which"/>.</summary>
    public int ReceivedOf(Func<string, bool> which) => Received.Where(r => which(r.Key)).Sum(r => r.Value);

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
        Held.AddOrUpdate(title, 1, (_, n) => n + 1);
        try
        {
            // held whether or not the sender is still there: a killed node's request was received all the same
            await Task.Delay(_hold, CancellationToken.None);
        }
        finally
        {
            Held.AddOrUpdate(title, 0, (_, n) => n - 1);
        }

        return Results.Text("{\"errcode\":0,\"errmsg\":\"ok\"}", "application/json");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
