using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Alliance.Contracts;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using netDumbster.smtp;

namespace Alliance.Server.Tests.Notifications;

/// <summary>
/// The server with every external channel switched on, pointed at stand-ins that run in the test: a real Kestrel HTTP
/// server on 127.0.0.1 (a random port) that plays WeCom's and DingTalk's robot webhooks and an SMS gateway, and a real
/// SMTP server (netDumbster) on a random port.
/// </summary>
public class NotificationsAppFactory : AllianceAppFactory
{
    public RobotStandIn Robots { get; } = new();

    public SimpleSmtpServer Smtp { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await Robots.StartAsync();
        Smtp = Configuration.Configure().WithAddress(System.Net.IPAddress.Loopback).WithRandomPort().Build();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Smtp?.Dispose();
        await Robots.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Alliance:NotificationChannels", "WeCom,DingTalk,Email,Sms");
        builder.UseSetting("Alliance:Smtp", $"smtp://127.0.0.1:{Smtp.Configuration.Port}?from=alliance@jiangbin.example&security=none");
        builder.UseSetting("Alliance:SmsEndpoint", $"{Robots.BaseUrl}/sms/send");
        builder.UseSetting("Alliance:SmsToken", "sms-token-for-tests");
    }
}

/// <summary>What a stand-in received: the platform, the robot's key (WeCom <c>key</c>, DingTalk <c>access_token</c>), the body, and any format error found.</summary>
public sealed record RobotCall(string Platform, string Key, JsonElement Body, string? FormatError, bool Answered200);

/// <summary>
/// A real HTTP server standing in for the robots. It checks each message the way the platforms do (WeCom: <c>msgtype</c>
/// text or markdown with content; DingTalk: a signed timestamp, <c>sign</c> = Base64(HMAC-SHA256(secret, timestamp + "\n" + secret)))
/// and answers like them (<c>{"errcode":0}</c>, or an errcode for a bad message); a key set to fail answers 500.
/// </summary>
public sealed class RobotStandIn : IAsyncDisposable
{
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";

    public ConcurrentQueue<RobotCall> Calls { get; } = new();

    /// <summary>DingTalk access token → signing secret, as set up on the platform.</summary>
    public ConcurrentDictionary<string, string> DingTalkSecrets { get; } = new(StringComparer.Ordinal);

    /// <summary>Robot keys that answer 500 (an outage) while listed.</summary>
    public ConcurrentDictionary<string, bool> Failing { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<RobotCall> For(string key) => [.. Calls.Where(c => c.Key == key)];

    public string WeComUrl(string key) => $"{BaseUrl}/cgi-bin/webhook/send?key={key}";

    public string DingTalkUrl(string token) => $"{BaseUrl}/robot/send?access_token={token}";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/cgi-bin/webhook/send", (Delegate)(async (HttpContext http) => await HandleAsync(http, "WeCom", http.Request.Query["key"].ToString(), CheckWeCom)));
        _app.MapPost("/robot/send", (Delegate)(async (HttpContext http) => await HandleAsync(http, "DingTalk", http.Request.Query["access_token"].ToString(), body => CheckDingTalk(http, body))));
        _app.MapPost("/sms/send", (Delegate)(async (HttpContext http) => await HandleAsync(http, "Sms", "sms", body => CheckSms(http, body))));
        await _app.StartAsync();
        BaseUrl = _app.Urls.Single().TrimEnd('/');
    }

    private async Task<IResult> HandleAsync(HttpContext http, string platform, string key, Func<JsonElement, string?> check)
    {
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
        if (Failing.ContainsKey(key))
        {
            Calls.Enqueue(new RobotCall(platform, key, body, null, false));
            return Results.Text("{\"errcode\":-1,\"errmsg\":\"system busy\"}", "application/json", statusCode: 500);
        }

        var error = check(body);
        Calls.Enqueue(new RobotCall(platform, key, body, error, true));
        return Results.Text(error is null ? "{\"errcode\":0,\"errmsg\":\"ok\"}" : $"{{\"errcode\":310000,\"errmsg\":\"{error}\"}}", "application/json");
    }

    private static string? CheckWeCom(JsonElement body)
    {
        var type = body.TryGetProperty("msgtype", out var t) ? t.GetString() : null;
        return type is "text" or "markdown" && body.TryGetProperty(type, out var payload) && payload.TryGetProperty("content", out var content)
            && !string.IsNullOrWhiteSpace(content.GetString()) && Encoding.UTF8.GetByteCount(content.GetString()!) <= 2048
            ? null
            : "invalid message format";
    }

    private string? CheckDingTalk(HttpContext http, JsonElement body)
    {
        var token = http.Request.Query["access_token"].ToString();
        var timestamp = http.Request.Query["timestamp"].ToString();
        var sign = http.Request.Query["sign"].ToString();
        if (!DingTalkSecrets.TryGetValue(token, out var secret) || timestamp.Length == 0 || sign.Length == 0)
        {
            return "sign not match";
        }

        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}\n{secret}")));
        if (sign != expected)
        {
            return "sign not match";
        }

        var type = body.TryGetProperty("msgtype", out var t) ? t.GetString() : null;
        var ok = type switch
        {
            "text" => body.GetProperty("text").TryGetProperty("content", out _),
            "markdown" => body.GetProperty("markdown").TryGetProperty("title", out _) && body.GetProperty("markdown").TryGetProperty("text", out _),
            _ => false,
        };
        return ok ? null : "invalid message format";
    }

    private static string? CheckSms(HttpContext http, JsonElement body) =>
        http.Request.Headers.Authorization.ToString() == "Bearer sms-token-for-tests" && body.TryGetProperty("mobile", out _) && body.TryGetProperty("text", out _)
            ? null
            : "bad sms request";

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

public static class NotificationsKit
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Writes bus events through the host outbox, as a feature does (published after the commit).</summary>
    public static async Task PublishAsync(AllianceAppFactory app, params IntegrationEvent[] events)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        foreach (var e in events)
        {
            AddOutbox(db, e);
        }

        await db.SaveChangesAsync();
    }

    private static void AddOutbox(AllianceDbContext db, IntegrationEvent e)
    {
        // AddOutboxEvent is generic over the contract type: call it with the event's runtime type.
        typeof(OutboxExtensions).GetMethod(nameof(OutboxExtensions.AddOutboxEvent))!.MakeGenericMethod(e.GetType()).Invoke(null, [db, e]);
    }

    /// <summary>Waits (bounded) until the query over the database holds.</summary>
    public static async Task<T> WaitForAsync<T>(AllianceAppFactory app, Func<AllianceDbContext, Task<T>> read, Func<T, bool> done)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var value = await read(scope.ServiceProvider.GetRequiredService<AllianceDbContext>());
                if (done(value))
                {
                    return value;
                }
            }

            await Task.Delay(25, deadline.Token);
        }
    }

    public static Task<List<Notification>> NotificationsOfAsync(AllianceAppFactory app, Guid userId, string topic, int count) =>
        WaitForAsync(app, db => db.Set<Notification>().AsNoTracking().Where(n => n.UserId == userId && n.Topic == topic).ToListAsync(), list => list.Count >= count);

    /// <summary>Waits (bounded) for the person's one notification of <paramref name="topic"/> about <paramref name="subject"/>.</summary>
    public static async Task<Notification> NotificationAboutAsync(AllianceAppFactory app, Guid userId, string topic, Guid subject) =>
        Assert.Single(await WaitForAsync(app,
            db => db.Set<Notification>().AsNoTracking().Where(n => n.UserId == userId && n.Topic == topic && n.SubjectId == subject).ToListAsync(), list => list.Count >= 1));

    public static Task<List<NotificationDelivery>> DeliveriesAsync(AllianceAppFactory app, IReadOnlyCollection<Guid> notifications, Func<List<NotificationDelivery>, bool> done) =>
        WaitForAsync(app, db => db.Set<NotificationDelivery>().AsNoTracking().Where(d => notifications.Contains(d.NotificationId)).ToListAsync(), done);

    public static async Task PutSettingsAsync(AllianceAppFactory app, string userName, object settings)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var client = await app.ClientForAsync(userName);
        using var response = await client.PutAsJsonAsync("/api/notifications/settings", settings);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task PutChannelsAsync(AllianceAppFactory app, Guid organisationId, object channels)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var client = await app.ClientForAsync(Server.Features.Demo.DemoUsers.DistrictAdmin);
        using var response = await client.PutAsJsonAsync($"/api/notifications/channels/{organisationId}", channels);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
