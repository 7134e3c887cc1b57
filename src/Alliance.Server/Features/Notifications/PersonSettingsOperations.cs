using Alliance.Server.Features.Access;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Notifications.NotificationsApi;

namespace Alliance.Server.Features.Notifications;

/// <summary>
/// A person's own notification settings: the channels they are told on (in-app always), their e-mail and mobile, quiet
/// hours (China time), the daily digest and the language. <c>/api/notifications/settings</c> and the page
/// <c>/notifications/settings</c> both come here.
/// </summary>
public static class PersonSettingsOperations
{
    public static async Task<SettingsView> GetAsync(AccessScope scope, AllianceDbContext db, NotificationOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var me = NotificationInbox.Me(scope);
        var settings = await db.Set<PersonNotificationSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.UserId == me, cancellationToken)
            ?? PersonNotificationSettings.DefaultFor(me);
        return SettingsView.From(settings, options);
    }

    /// <summary>Changes what <paramref name="body"/> gives (null keeps); 400 naming each field in error, nothing saved then.</summary>
    public static async Task<SettingsView> SaveAsync(AccessScope scope, AllianceDbContext db, NotificationOptions options, SettingsBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(body);
        var me = NotificationInbox.Me(scope);
        var settings = await db.Set<PersonNotificationSettings>().SingleOrDefaultAsync(s => s.UserId == me, cancellationToken);
        if (settings is null)
        {
            settings = PersonNotificationSettings.DefaultFor(me);
            db.Add(settings);
        }

        var errors = new FieldErrors();
        var channels = body.Channels is null ? settings.Channels : [.. body.Channels.Where(c => c != NotificationChannel.InApp).Distinct()];
        var email = body.Email is null ? settings.Email : body.Email.Trim() is { Length: > 0 } e ? e : null;
        var mobile = body.Mobile is null ? settings.Mobile : body.Mobile.Trim() is { Length: > 0 } m ? m : null;
        if (channels.FirstOrDefault(c => !options.Enabled(c)) is var off && off != NotificationChannel.InApp)
        {
            errors.Add("channels", $"本系统未开通 {off} 通知渠道。", $"The {off} channel is not switched on for this system (Alliance:NotificationChannels).");
        }

        if (email is not null && (email.Length > 200 || !MimeKit.MailboxAddress.TryParse(email, out var parsed) || parsed.Address != email || !email.Contains('@', StringComparison.Ordinal)))
        {
            errors.Add("email", "电子邮箱格式不正确。", "The e-mail address is not valid.");
        }
        else if (email is null && channels.Contains(NotificationChannel.Email))
        {
            errors.Add("email", "选择邮件通知须填写电子邮箱。", "An e-mail address is required for e-mail notifications.");
        }

        if (mobile is not null && !global::System.Text.RegularExpressions.Regex.IsMatch(mobile, @"^1\d{10}$"))
        {
            errors.Add("mobile", "手机号须为 11 位数字，以 1 开头。", "The mobile number must be 11 digits starting with 1.");
        }
        else if (mobile is null && channels.Contains(NotificationChannel.Sms))
        {
            errors.Add("mobile", "选择短信通知须填写手机号。", "A mobile number is required for SMS notifications.");
        }

        var quietStart = Time(errors, "quietStart", body.QuietStart, settings.QuietStart);
        var quietEnd = Time(errors, "quietEnd", body.QuietEnd, settings.QuietEnd);
        var language = body.Language ?? settings.Language;
        if (language is not ("zh-CN" or "en"))
        {
            errors.Add("language", "语言须为 zh-CN 或 en。", "The language must be zh-CN or en.");
        }

        errors.ThrowIfAny();
        settings.Channels = channels;
        settings.Email = email;
        settings.Mobile = mobile;
        settings.QuietStart = quietStart;
        settings.QuietEnd = quietEnd;
        settings.Digest = body.Digest ?? settings.Digest;
        settings.Language = language;
        await db.SaveChangesAsync(cancellationToken);
        return SettingsView.From(settings, options);
    }

    private static TimeOnly Time(FieldErrors errors, string field, string? text, TimeOnly current)
    {
        if (text is null)
        {
            return current;
        }

        if (TimeOnly.TryParseExact(text, "HH:mm", global::System.Globalization.CultureInfo.InvariantCulture, global::System.Globalization.DateTimeStyles.None, out var value))
        {
            return value;
        }

        errors.Add(field, "时间格式须为 HH:mm（中国标准时间），如 22:00。", "The time must be HH:mm (China Standard Time), e.g. 22:00.");
        return current;
    }
}
