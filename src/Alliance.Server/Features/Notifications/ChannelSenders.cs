using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Alliance.Server.Features.Notifications;

/// <summary>What one external delivery sends: the message in the person's language and where it goes.</summary>
public sealed record OutgoingMessage(
    Guid NotificationId, string Title, string Body, bool Urgent, string? Email, string? Mobile, string? WeComWebhook, string? DingTalkWebhook, string? DingTalkSecret);

/// <summary>A delivery failed; the message is logged on the delivery and its attempt.</summary>
public sealed class DeliveryFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>One external channel. Throws <see cref="DeliveryFailedException"/> (or anything else) when the message did not get through.</summary>
public interface IChannelSender
{
    NotificationChannel Channel { get; }

    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// 企业微信群机器人: <c>POST {webhook}</c> with <c>{"msgtype":"text","text":{"content":...,"mentioned_mobile_list":[...]}}</c>
/// (text, because WeCom's markdown messages cannot @mention by mobile number); success is HTTP 200 with <c>errcode</c> 0.
/// </summary>
public sealed class WeComRobotSender(IHttpClientFactory http) : IChannelSender
{
    public NotificationChannel Channel => NotificationChannel.WeCom;

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var url = message.WeComWebhook ?? throw new DeliveryFailedException("No WeCom webhook is configured for the organisation.");
        var text = new JsonObject { ["content"] = $"{message.Title}\n{message.Body}" };
        if (!string.IsNullOrEmpty(message.Mobile))
        {
            text["mentioned_mobile_list"] = new JsonArray(message.Mobile);
        }

        var body = new JsonObject { ["msgtype"] = "text", ["text"] = text };
        await RobotResponse.PostAsync(http, url, body, "WeCom", cancellationToken);
    }
}

/// <summary>
/// 钉钉自定义机器人 with signing: <c>POST {webhook}&amp;timestamp={ms}&amp;sign={urlencode(base64(HMAC-SHA256(secret, timestamp + "\n" + secret)))}</c>
/// with <c>{"msgtype":"markdown","markdown":{"title","text"},"at":{"atMobiles":[...],"isAtAll":false}}</c> (the mobile also
/// appears as <c>@mobile</c> in the text, which DingTalk needs to highlight it); success is <c>errcode</c> 0.
/// </summary>
public sealed class DingTalkRobotSender(IHttpClientFactory http, TimeProvider time) : IChannelSender
{
    public NotificationChannel Channel => NotificationChannel.DingTalk;

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var url = message.DingTalkWebhook ?? throw new DeliveryFailedException("No DingTalk webhook is configured for the organisation.");
        var secret = message.DingTalkSecret ?? throw new DeliveryFailedException("No DingTalk signing secret is configured for the organisation.");
        var timestamp = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var signed = $"{url}{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}timestamp={timestamp}&sign={Uri.EscapeDataString(Sign(timestamp, secret))}";
        var mention = string.IsNullOrEmpty(message.Mobile) ? "" : $"\n\n@{message.Mobile}";
        var body = new JsonObject
        {
            ["msgtype"] = "markdown",
            ["markdown"] = new JsonObject { ["title"] = message.Title, ["text"] = $"#### {message.Title}\n\n{message.Body}{mention}" },
            ["at"] = new JsonObject
            {
                ["atMobiles"] = string.IsNullOrEmpty(message.Mobile) ? new JsonArray() : new JsonArray(message.Mobile),
                ["isAtAll"] = false,
            },
        };
        await RobotResponse.PostAsync(http, signed, body, "DingTalk", cancellationToken);
    }

    /// <summary>Base64(HMAC-SHA256(key: secret, data: timestamp + "\n" + secret)), before URL encoding.</summary>
    public static string Sign(string timestamp, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}\n{secret}")));
}

internal static class RobotResponse
{
    public const string HttpClientName = "notifications";

    public static async Task PostAsync(IHttpClientFactory http, string url, JsonObject body, string platform, CancellationToken cancellationToken)
    {
        using var client = http.CreateClient(HttpClientName);
        using var response = await client.PostAsJsonAsync(url, body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new DeliveryFailedException($"{platform} answered HTTP {(int)response.StatusCode}: {Cut(text)}");
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.TryGetProperty("errcode", out var code) && code.GetInt32() != 0)
            {
                throw new DeliveryFailedException($"{platform} refused the message: errcode {code.GetInt32()} {Cut(text)}");
            }
        }
        catch (JsonException)
        {
            throw new DeliveryFailedException($"{platform} answered something that is not JSON: {Cut(text)}");
        }
    }

    internal static string Cut(string text) => text.Length <= 300 ? text : text[..300];
}

/// <summary>E-mail over SMTP (MailKit), from the server named by <c>Alliance:Smtp</c>.</summary>
public sealed class EmailSender(NotificationOptions options) : IChannelSender
{
    public NotificationChannel Channel => NotificationChannel.Email;

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Smtp ?? throw new DeliveryFailedException("E-mail is not configured (Alliance:Smtp).");
        if (string.IsNullOrWhiteSpace(message.Email))
        {
            throw new DeliveryFailedException("The person has no e-mail address.");
        }

        using var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(smtp.From));
        mail.To.Add(MailboxAddress.Parse(message.Email));
        mail.Subject = message.Title;
        mail.Headers.Add("X-Alliance-Notification", message.NotificationId.ToString("D"));
        mail.Body = new TextPart("plain") { Text = message.Body };
        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security, cancellationToken);
        if (smtp.UserName is not null)
        {
            await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(mail, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}

/// <summary>Sends a text message to a mobile number. One implementation here (<see cref="HttpSmsProvider"/>); others plug in by registration.</summary>
public interface ISmsProvider
{
    Task SendAsync(string mobile, string text, CancellationToken cancellationToken);
}

/// <summary>
/// A generic HTTP SMS gateway: <c>POST {Alliance:SmsEndpoint}</c> with <c>{"mobile","text"}</c> and, when
/// <c>Alliance:SmsToken</c> is set, <c>Authorization: Bearer {token}</c>; any 2xx is success.
/// </summary>
public sealed class HttpSmsProvider(IHttpClientFactory http, NotificationOptions options) : ISmsProvider
{
    public async Task SendAsync(string mobile, string text, CancellationToken cancellationToken)
    {
        var endpoint = options.SmsEndpoint ?? throw new DeliveryFailedException("SMS is not configured (Alliance:SmsEndpoint).");
        using var client = http.CreateClient(RobotResponse.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = JsonContent.Create(new { mobile, text }) };
        if (!string.IsNullOrEmpty(options.SmsToken))
        {
            request.Headers.Authorization = new("Bearer", options.SmsToken);
        }

        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new DeliveryFailedException($"The SMS gateway answered HTTP {(int)response.StatusCode}: {RobotResponse.Cut(await response.Content.ReadAsStringAsync(cancellationToken))}");
        }
    }
}

public sealed class SmsSender(ISmsProvider provider) : IChannelSender
{
    public NotificationChannel Channel => NotificationChannel.Sms;

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(message.Mobile)
            ? throw new DeliveryFailedException("The person has no mobile number.")
            : provider.SendAsync(message.Mobile, $"【区域化党建】{message.Title}：{message.Body}", cancellationToken);
}

/// <summary>The parsed <c>Alliance:Smtp</c> URI: <c>smtp://[user:password@]host[:port]?from=address[&amp;security=none|starttls|ssl|auto]</c>.</summary>
public sealed record SmtpSettings(string Host, int Port, string From, SecureSocketOptions Security, string? UserName, string? Password)
{
    public static SmtpSettings? Parse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("smtp" or "smtps") || string.IsNullOrEmpty(uri.Host))
        {
            error = "expected smtp://[user:password@]host[:port]?from=address";
            return null;
        }

        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]), StringComparer.OrdinalIgnoreCase);
        if (!query.TryGetValue("from", out var from) || !MailboxAddress.TryParse(from, out _))
        {
            error = "the from=address query parameter is missing or not an e-mail address";
            return null;
        }

        var security = query.GetValueOrDefault("security")?.ToLowerInvariant() switch
        {
            null or "auto" => uri.Scheme == "smtps" ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable,
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "ssl" => SecureSocketOptions.SslOnConnect,
            _ => (SecureSocketOptions?)null,
        };
        if (security is null)
        {
            error = "security must be none, starttls, ssl or auto";
            return null;
        }

        var user = uri.UserInfo.Split(':', 2);
        return new SmtpSettings(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? (uri.Scheme == "smtps" ? 465 : 25) : uri.Port, from, security.Value,
            user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : null, user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null);
    }
}

/// <summary>The notification settings of <see cref="AllianceOptions"/>, parsed once.</summary>
public sealed class NotificationOptions
{
    public required IReadOnlySet<NotificationChannel> Channels { get; init; }

    public SmtpSettings? Smtp { get; init; }

    public string? SmsEndpoint { get; init; }

    public string? SmsToken { get; init; }

    public int MaxAttempts { get; init; }

    public TimeSpan RetryDelay { get; init; }

    /// <summary>How long a claim lasts (<c>Alliance:NotificationLease</c>); a sender that has not finished by then is presumed dead.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    public bool Enabled(NotificationChannel channel) => channel == NotificationChannel.InApp || Channels.Contains(channel);

    public static NotificationOptions From(AllianceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var channels = new HashSet<NotificationChannel> { NotificationChannel.InApp };
        foreach (var name in (options.NotificationChannels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            channels.Add(Enum.TryParse<NotificationChannel>(name, ignoreCase: true, out var channel) && Enum.IsDefined(channel)
                ? channel
                : throw new AllianceConfigurationException(
                    $"Configuration error: Alliance:NotificationChannels = '{options.NotificationChannels}' is not valid; allowed values: a comma-separated list of {string.Join(", ", Enum.GetNames<NotificationChannel>())}."));
        }

        var smtp = SmtpSettings.Parse(options.Smtp, out var smtpError);
        if (smtpError is not null)
        {
            throw new AllianceConfigurationException($"Configuration error: Alliance:Smtp is not valid: {smtpError}.");
        }

        if (channels.Contains(NotificationChannel.Email) && smtp is null)
        {
            throw new AllianceConfigurationException("Configuration error: Alliance:Smtp must be set (smtp://host:port?from=address) when Alliance:NotificationChannels includes Email.");
        }

        if (channels.Contains(NotificationChannel.Sms) && !Uri.TryCreate(options.SmsEndpoint, UriKind.Absolute, out _))
        {
            throw new AllianceConfigurationException("Configuration error: Alliance:SmsEndpoint must be an absolute http(s) URL when Alliance:NotificationChannels includes Sms.");
        }

        return new NotificationOptions
        {
            Channels = channels,
            Smtp = smtp,
            SmsEndpoint = options.SmsEndpoint,
            SmsToken = options.SmsToken,
            MaxAttempts = options.NotificationMaxAttempts,
            RetryDelay = options.NotificationRetryDelay,
            Lease = options.NotificationLease > TimeSpan.Zero
                ? options.NotificationLease
                : throw new AllianceConfigurationException($"Configuration error: Alliance:NotificationLease = '{options.NotificationLease}' must be positive."),
        };
    }
}
