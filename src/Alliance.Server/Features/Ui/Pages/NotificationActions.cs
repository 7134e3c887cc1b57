using Alliance.Server.Features.Access;
using Alliance.Server.Features.Live;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Infrastructure.Persistence;

namespace Alliance.Server.Features.Ui.Pages;

/// <summary>
/// The notification centre's reads and actions: the operations <c>/api/notifications</c> calls
/// (<see cref="NotificationInbox"/>), in the page's own DI scope, never over HTTP.
/// </summary>
public static class NotificationActions
{
    /// <summary>The person's own stream, <c>person:{userId}</c>: a new notification or a read, with the unread count.</summary>
    public static IReadOnlyList<StreamId> StreamsOf(AccessScope scope) =>
        scope.UserId is { } me ? [StreamId.For(PersonStreamKind.Kind, me)] : [];

    public static Task<int> UnreadAsync(IServiceProvider services, AccessScope scope, CancellationToken cancellationToken) =>
        NotificationInbox.UnreadAsync(scope, services.GetRequiredService<AllianceDbContext>(), cancellationToken);

    public static Task<NotificationsApi.NotificationPage> ListAsync(IServiceProvider services, AccessScope scope, bool unreadOnly, int pageSize, CancellationToken cancellationToken) =>
        NotificationInbox.ListAsync(scope, services.GetRequiredService<AllianceDbContext>(), unreadOnly, 1, pageSize, cancellationToken);

    public static Task ReadAsync(IServiceProvider services, AccessScope scope, Guid id, CancellationToken cancellationToken) =>
        NotificationInbox.ReadAsync(scope, services.GetRequiredService<AllianceDbContext>(), services.GetRequiredService<TimeProvider>(), id, cancellationToken);

    public static Task ReadAllAsync(IServiceProvider services, AccessScope scope, CancellationToken cancellationToken) =>
        NotificationInbox.ReadAllAsync(scope, services.GetRequiredService<AllianceDbContext>(), services.GetRequiredService<TimeProvider>(), cancellationToken);

    /// <summary>A channel in words, as the settings and the failed deliveries show it.</summary>
    public static string Channel(NotificationChannel channel) => channel switch
    {
        NotificationChannel.InApp => UiText.L("站内通知", "In the app"),
        NotificationChannel.WeCom => UiText.L("企业微信群", "WeCom group"),
        NotificationChannel.DingTalk => UiText.L("钉钉群", "DingTalk group"),
        NotificationChannel.Email => UiText.L("电子邮件", "E-mail"),
        NotificationChannel.Sms => UiText.L("短信", "SMS"),
        _ => channel.ToString(),
    };
}
