using Microsoft.AspNetCore.DataProtection;

namespace Alliance.Server.Features.Notifications;

/// <summary>
/// Encrypts the group robots' webhook URLs and signing secrets with ASP.NET Data Protection (the key ring every node
/// shares, in <c>data_protection_keys</c>), one purpose string per kind of secret, so a value protected as one kind
/// cannot be unprotected as another. Values are shown back only masked.
/// </summary>
public sealed class ChannelSecrets(IDataProtectionProvider provider)
{
    public const string WeComWebhookPurpose = "Alliance.Notifications.WeComWebhook.v1";
    public const string DingTalkWebhookPurpose = "Alliance.Notifications.DingTalkWebhook.v1";
    public const string DingTalkSecretPurpose = "Alliance.Notifications.DingTalkSecret.v1";

    public string? Protect(string purpose, string? plain) =>
        string.IsNullOrEmpty(plain) ? null : provider.CreateProtector(purpose).Protect(plain);

    public string? Unprotect(string purpose, string? protectedValue) =>
        string.IsNullOrEmpty(protectedValue) ? null : provider.CreateProtector(purpose).Unprotect(protectedValue);

    /// <summary>The URL with every query value cut to its first and last 4 characters (<c>key=693a…5aaa</c>).</summary>
    public static string? MaskUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return url is null ? null : MaskSecret(url);
        }

        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2) is [var name, var value] ? $"{name}={MaskSecret(value)}" : pair);
        return $"{uri.GetLeftPart(UriPartial.Path)}?{string.Join('&', query)}";
    }

    /// <summary>The first and last 4 characters of a secret (all of it hidden when it is shorter than 12).</summary>
    public static string? MaskSecret(string? secret) =>
        secret is null ? null : secret.Length < 12 ? new string('*', secret.Length) : $"{secret[..4]}…{secret[^4..]}";
}
