using Alliance.Contracts.Items;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Notifications.NotificationsKit;

namespace Alliance.Server.Tests.Notifications;

public sealed class Quiet_hours(NotificationsAppFactory app) : IClassFixture<NotificationsAppFactory>
{
    [Fact]
    public async Task Hold_back_an_overdue_notice_until_seven_in_the_morning_China_time_while_an_urgent_item_goes_through()
    {
        // 2026-03-02 15:30 UTC is 23:30 China Standard Time: inside the default quiet hours 22:00-07:00
        app.Time.SetUtcNow(new DateTimeOffset(2026, 3, 2, 15, 30, 0, TimeSpan.Zero));
        var huang = DemoRegion.Person("huanglijuan");
        await PutSettingsAsync(app, "huanglijuan", new { channels = new[] { "WeCom" }, mobile = "13700000002" });
        await PutChannelsAsync(app, DemoRegion.Unit(2).Value, new { weComWebhook = app.Robots.WeComUrl("unit2-wecom") });

        await PublishAsync(app,
            new ItemOverdue(Guid.NewGuid(), DemoRegion.CommunityAlliance(1).Value, [DemoRegion.Unit(2).Value], 4, Guid.NewGuid(), "work", app.Time.GetUtcNow().AddHours(-1)),
            new ItemSubmitted(Guid.NewGuid(), DemoRegion.CommunityAlliance(1).Value, [DemoRegion.Community(1).Value], 1, "Urgent", "燃气泄漏排查", null));

        var overdue = Assert.Single(await NotificationsOfAsync(app, huang, NotificationTopics.ItemOverdue, 1));
        var urgent = Assert.Single(await NotificationsOfAsync(app, huang, NotificationTopics.UrgentItem, 1));
        var deliveries = await DeliveriesAsync(app, [overdue.Id, urgent.Id], d =>
            d.Any(x => x.NotificationId == overdue.Id && x.Channel == NotificationChannel.WeCom && x.State == DeliveryState.Held)
            && d.Any(x => x.NotificationId == urgent.Id && x.Channel == NotificationChannel.WeCom && x.State == DeliveryState.Sent));
        var held = deliveries.Single(d => d.NotificationId == overdue.Id && d.Channel == NotificationChannel.WeCom);
        Assert.Equal(new DateTime(2026, 3, 2, 23, 0, 0, DateTimeKind.Utc), held.NextAttemptUtc); // 07:00 China time
        Assert.Equal(0, held.Attempts);
        Assert.Contains("燃气泄漏排查", Assert.Single(app.Robots.For("unit2-wecom")).Body.GetProperty("text").GetProperty("content").GetString(), StringComparison.Ordinal);

        var dispatcher = app.Services.GetRequiredService<NotificationDispatcher>();
        app.Time.SetUtcNow(new DateTimeOffset(2026, 3, 2, 22, 59, 0, TimeSpan.Zero));
        await dispatcher.RunDueAsync(CancellationToken.None);
        Assert.Single(app.Robots.For("unit2-wecom"));

        app.Time.SetUtcNow(new DateTimeOffset(2026, 3, 2, 23, 0, 0, TimeSpan.Zero));
        await dispatcher.RunDueAsync(CancellationToken.None);
        await DeliveriesAsync(app, [overdue.Id], d => d.Any(x => x.Channel == NotificationChannel.WeCom && x.State == DeliveryState.Sent && x.Attempts == 1));
        Assert.Equal(2, app.Robots.For("unit2-wecom").Count);
    }

    [Theory]
    [InlineData("2026-03-02T13:59:00Z", null)] // 21:59
    [InlineData("2026-03-02T14:00:00Z", "2026-03-02T23:00:00Z")] // 22:00 → 07:00 next morning
    [InlineData("2026-03-02T22:59:00Z", "2026-03-02T23:00:00Z")] // 06:59
    [InlineData("2026-03-02T23:00:00Z", null)] // 07:00
    public void Run_from_22_00_to_07_00_China_time_by_default(string now, string? end)
    {
        var person = PersonNotificationSettings.DefaultFor(Guid.NewGuid());
        var result = QuietHours.EndOf(person, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(end is null ? null : DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture), result);
    }
}
