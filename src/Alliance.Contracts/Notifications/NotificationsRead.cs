namespace Alliance.Contracts.Notifications;

/// <summary>A person marked one or all of their notifications read; the live feed pushes their new unread count.</summary>
public sealed record NotificationsRead(Guid UserId, Guid? NotificationId) : IntegrationEvent;
