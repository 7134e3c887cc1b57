namespace Alliance.Contracts.Notifications;

/// <summary>
/// One delivery of a notification over one external channel (WeCom, DingTalk, e-mail, SMS) is due. The delivery row
/// (unique per notification and channel) decides whether anything is sent: a redelivered message never sends twice.
/// </summary>
public sealed record NotificationDeliveryRequested(Guid DeliveryId, Guid NotificationId, string Channel) : IntegrationEvent;
