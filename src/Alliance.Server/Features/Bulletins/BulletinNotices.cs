using Alliance.Contracts.Bulletins;
using Alliance.Server.Features.Notifications;
using MassTransit;

namespace Alliance.Server.Features.Bulletins;

/// <summary>A published bulletin in the notification centre (rule <c>bulletin.published</c>, on by default): every person of the ranked members and of the street. Exactly once per event.</summary>
public sealed class BulletinNotices(NotificationWriter writer) : IConsumer<BulletinPublished>
{
    public const string ConsumerName = "bulletin-notices";

    public Task Consume(ConsumeContext<BulletinPublished> context)
    {
        var m = context.Message;
        return writer.WriteAsync(ConsumerName, m.EventId, new NotificationRequest(
            NotificationTopics.BulletinPublished, m.AllianceId, m.Organisations, m.BulletinId, new Dictionary<string, string?>
            {
                ["title"] = m.Title,
                ["month"] = m.Month,
                ["link"] = $"/reports/bulletins/{m.BulletinId:D}",
            }), context.CancellationToken);
    }
}
