using Alliance.Server.Features.Access;
using Alliance.Server.Features.Live;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Infrastructure.Persistence;

namespace Alliance.Server.Features.Ui.Pages;

/// <summary>
/// The notification centre's reads and actions: the handlers <c>/api/notifications</c> runs
/// (<see cref="NotificationsApi"/>), called in the page's own DI scope, never over HTTP.
/// </summary>
public static class NotificationActions
{
    /// <summary>The person's own stream, <c>person:{userId}</c>: a new notification or a read, with the unread count.</summary>
    public static IReadOnlyList<StreamId> StreamsOf(AccessScope scope) =>
        scope.UserId is { } me ? [StreamId.For(PersonStreamKind.Kind, me)] : [];

    public static async Task<int> UnreadAsync(IServiceProvider services, AccessScope scope, CancellationToken cancellationToken) =>
        (await NotificationsApi.UnreadCount(scope, services.GetRequiredService<AllianceDbContext>(), cancellationToken)).Value!.Unread;

    public static async Task<NotificationsApi.NotificationPage> ListAsync(IServiceProvider services, AccessScope scope, bool unreadOnly, int pageSize, CancellationToken cancellationToken) =>
        (await NotificationsApi.List(scope, services.GetRequiredService<AllianceDbContext>(), unreadOnly ? true : null, 1, pageSize, cancellationToken)).Value!;

    public static Task ReadAsync(IServiceProvider services, AccessScope scope, Guid id, CancellationToken cancellationToken) =>
        NotificationsApi.Read(id, scope, services.GetRequiredService<AllianceDbContext>(), services.GetRequiredService<TimeProvider>(), cancellationToken);

    public static Task ReadAllAsync(IServiceProvider services, AccessScope scope, CancellationToken cancellationToken) =>
        NotificationsApi.ReadAll(scope, services.GetRequiredService<AllianceDbContext>(), services.GetRequiredService<TimeProvider>(), cancellationToken);
}
