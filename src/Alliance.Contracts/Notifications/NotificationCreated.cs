namespace Alliance.Contracts.Notifications;

/// <summary>
/// A notification was put in a person's notification centre (in-app). Written in the same transaction as the
/// notification row; the live feed pushes it, with the person's unread count, on <c>person:{userId}</c>.
/// </summary>
public sealed record NotificationCreated(Guid NotificationId, Guid UserId, string Topic, string TitleZh, string TitleEn, bool Urgent) : IntegrationEvent;
