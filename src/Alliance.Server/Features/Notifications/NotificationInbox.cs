using Alliance.Contracts.Notifications;
using Alliance.Server.Features.Access;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Notifications.NotificationsApi;

namespace Alliance.Server.Features.Notifications;

/// <summary>
/// A person's own notifications: list, unread count, mark read, mark all read. <c>/api/notifications</c> and the web
/// UI's notification centre both come here; nobody reaches another person's notifications (404).
/// </summary>
public static class NotificationInbox
{
    /// <summary>The person's notifications, newest first, a page at a time (all, or only the unread).</summary>
    public static async Task<NotificationPage> ListAsync(AccessScope scope, AllianceDbContext db, bool unreadOnly, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var me = Me(scope);
        var size = Math.Clamp(pageSize ?? 20, 1, 100);
        var number = Math.Max(page ?? 1, 1);
        var mine = db.Set<Notification>().AsNoTracking().Where(n => n.UserId == me);
        var unreadCount = await mine.CountAsync(n => n.ReadUtc == null, cancellationToken);
        var query = unreadOnly ? mine.Where(n => n.ReadUtc == null) : mine;
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(n => n.CreatedUtc).ThenByDescending(n => n.Id).Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        return new NotificationPage([.. rows.Select(NotificationView.From)], total, unreadCount, number, size);
    }

    /// <summary>How many of the person's notifications are unread.</summary>
    public static async Task<int> UnreadAsync(AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        var me = Me(scope);
        return await db.Set<Notification>().CountAsync(n => n.UserId == me && n.ReadUtc == null, cancellationToken);
    }

    /// <summary>Marks one of the person's notifications read (404 for anyone else's), with <see cref="NotificationsRead"/> for the live count.</summary>
    public static async Task<NotificationView> ReadAsync(AccessScope scope, AllianceDbContext db, TimeProvider time, Guid id, CancellationToken cancellationToken)
    {
        var notification = await OwnAsync(db, scope, id, cancellationToken);
        if (notification.ReadUtc is null)
        {
            var now = time.GetUtcNow();
            notification.ReadUtc = now.UtcDateTime;
            db.AddOutboxEvent(new NotificationsRead(notification.UserId, notification.Id) { OccurredAt = now });
            await db.SaveChangesAsync(cancellationToken);
        }

        return NotificationView.From(notification);
    }

    /// <summary>Marks all the person's notifications read; returns how many were unread.</summary>
    public static async Task<int> ReadAllAsync(AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var me = Me(scope);
        var now = time.GetUtcNow();
        var unread = await db.Set<Notification>().Where(n => n.UserId == me && n.ReadUtc == null).ToListAsync(cancellationToken);
        foreach (var notification in unread)
        {
            notification.ReadUtc = now.UtcDateTime;
        }

        if (unread.Count > 0)
        {
            db.AddOutboxEvent(new NotificationsRead(me, null) { OccurredAt = now });
            await db.SaveChangesAsync(cancellationToken);
        }

        return unread.Count;
    }

    internal static Guid Me(AccessScope scope) => scope.UserId ?? throw new NotFoundProblem(new BilingualText("通知", "notification"));

    internal static async Task<Notification> OwnAsync(AllianceDbContext db, AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        var me = Me(scope);
        return await db.Set<Notification>().SingleOrDefaultAsync(n => n.Id == id && n.UserId == me, cancellationToken)
            ?? throw new NotFoundProblem(new BilingualText("通知", "notification"));
    }
}
