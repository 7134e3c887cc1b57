using Alliance.Contracts.Notifications;
using Alliance.Server.Features.Access;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Notifications.NotificationsApi;

namespace Alliance.Server.Features.Notifications;

/// <summary>
/// 投递失败清单 (district administrators): deliveries that kept failing or whose outcome is unknown, newest first, and
/// replaying one (a fresh set of attempts, through the outbox). <c>/api/notifications/dead-letters</c> and the page
/// <c>/admin/dead-letters</c> both come here.
/// </summary>
public static class DeadLetterOperations
{
    public static async Task<IReadOnlyList<DeadLetterView>> ListAsync(AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(db);
        scope.DemandDistrictAdmin();
        var rows = await db.Set<NotificationDelivery>().AsNoTracking().Where(d => d.State == DeliveryState.DeadLettered)
            .Join(db.Set<Notification>(), d => d.NotificationId, n => n.Id, (d, n) => new DeadLetterView(d.Id, n.Id, n.UserId, n.Topic, n.TitleZh, d.Channel, d.Attempts, d.LastError, d.CreatedUtc))
            .ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(r => r.CreatedUtc)];
    }

    /// <summary>A dead-lettered delivery → Pending with a fresh set of attempts; 409 for any other.</summary>
    public static async Task<DeliveryView> ReplayAsync(
        AccessScope scope, AllianceDbContext db, NotificationOptions options, TimeProvider time, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        scope.DemandDistrictAdmin();
        var delivery = await db.Set<NotificationDelivery>().SingleOrDefaultAsync(d => d.Id == id, cancellationToken) ?? throw new NotFoundProblem(new BilingualText("投递记录", "delivery"));
        if (delivery.State != DeliveryState.DeadLettered)
        {
            throw new ConflictProblem("notification.not-dead-lettered", new("只能重新投递失败清单中的记录。", "Only a dead-lettered delivery can be replayed."));
        }

        var now = time.GetUtcNow();
        delivery.State = DeliveryState.Pending;
        delivery.NextAttemptUtc = now.UtcDateTime;
        delivery.AttemptLimit = delivery.Attempts + options.MaxAttempts;
        db.AddOutboxEvent(new NotificationDeliveryRequested(delivery.Id, delivery.NotificationId, delivery.Channel.ToString()) { OccurredAt = now });
        await db.SaveChangesAsync(cancellationToken);
        return (await DeliveryLogAsync(db, delivery.NotificationId, cancellationToken)).Single(d => d.Id == id);
    }
}
