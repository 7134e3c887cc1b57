using Alliance.Contracts.Items;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Notifications.NotificationsKit;

namespace Alliance.Server.Tests.Notifications;

public sealed class A_daily_digest(NotificationsAppFactory app) : IClassFixture<NotificationsAppFactory>
{
    [Fact]
    public async Task Gathers_a_persons_ordinary_notifications_into_one_message_at_eight_China_time_while_urgent_ones_go_at_once()
    {
        // the host's clock starts at 2026-03-02 01:00 UTC, 09:00 China time
        var zhu = DemoRegion.Person("zhuting");
        await PutSettingsAsync(app, "zhuting", new { channels = new[] { "WeCom" }, digest = true });
        await PutChannelsAsync(app, DemoRegion.Unit(4).Value, new { weComWebhook = app.Robots.WeComUrl("unit4-wecom") });
        var alliance = DemoRegion.CommunityAlliance(1).Value;

        await PublishAsync(app,
            new ItemOverdue(Guid.NewGuid(), alliance, [DemoRegion.Unit(4).Value], 4, Guid.NewGuid(), "work", app.Time.GetUtcNow().AddHours(-1)),
            new ItemOverdue(Guid.NewGuid(), alliance, [DemoRegion.Unit(4).Value], 4, Guid.NewGuid(), "report", app.Time.GetUtcNow().AddHours(-2)),
            new ItemSubmitted(Guid.NewGuid(), alliance, [DemoRegion.Community(1).Value], 1, "Urgent", "学校周边交通事故", null));

        var overdue = await NotificationsOfAsync(app, zhu, NotificationTopics.ItemOverdue, 2);
        var urgent = Assert.Single(await NotificationsOfAsync(app, zhu, NotificationTopics.UrgentItem, 1));
        var waiting = await DeliveriesAsync(app, [.. overdue.Select(n => n.Id), urgent.Id], d =>
            d.Count(x => x.Channel == NotificationChannel.WeCom && x.State == DeliveryState.Digest) == 2
            && d.Any(x => x.NotificationId == urgent.Id && x.Channel == NotificationChannel.WeCom && x.State == DeliveryState.Sent));
        Assert.All(waiting.Where(d => d.State == DeliveryState.Digest), d => Assert.Equal(new DateTime(2026, 3, 3, 0, 0, 0, DateTimeKind.Utc), d.NextAttemptUtc));
        Assert.Single(app.Robots.For("unit4-wecom"));

        var dispatcher = app.Services.GetRequiredService<NotificationDispatcher>();
        app.Time.SetUtcNow(new DateTimeOffset(2026, 3, 2, 23, 59, 0, TimeSpan.Zero));
        await dispatcher.RunDueAsync(CancellationToken.None);
        Assert.Single(app.Robots.For("unit4-wecom"));

        app.Time.SetUtcNow(new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero));
        await dispatcher.RunDueAsync(CancellationToken.None);
        await dispatcher.RunDueAsync(CancellationToken.None);
        await DeliveriesAsync(app, [.. overdue.Select(n => n.Id)], d => d.Count(x => x.Channel == NotificationChannel.WeCom && x.State == DeliveryState.Sent) == 2);
        var calls = app.Robots.For("unit4-wecom");
        Assert.Equal(2, calls.Count);
        var digest = calls[1].Body.GetProperty("text").GetProperty("content").GetString()!;
        Assert.StartsWith("每日通知汇总（2 条）", digest, StringComparison.Ordinal);
        Assert.All(overdue, n => Assert.Contains(n.TitleZh, digest, StringComparison.Ordinal));
    }
}
