using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Contracts.Items;
using Alliance.Contracts.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Notifications.NotificationsKit;

namespace Alliance.Server.Tests.Notifications;

public sealed class A_webhook_outage(NotificationsAppFactory app) : IClassFixture<NotificationsAppFactory>
{
    [Fact]
    public async Task Every_notification_is_delivered_exactly_once_after_the_webhook_recovers_and_the_log_shows_each_attempt()
    {
        var chair = DemoRegion.Person(DemoUsers.StreetChair);
        await PutSettingsAsync(app, DemoUsers.StreetChair, new { channels = new[] { "WeCom" }, mobile = "13900000001" });
        await PutChannelsAsync(app, DemoRegion.Street(1).Value, new { weComWebhook = app.Robots.WeComUrl("street1-wecom") });
        app.Robots.Failing["street1-wecom"] = true;
        var items = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();

        await PublishAsync(app, [.. items.Select(i => new ItemEscalated(i, DemoRegion.CommunityAlliance(1).Value, [DemoRegion.Community(1).Value], 3, "deadline:work", DemoRegion.Street(1).Value))]);
        var notifications = await NotificationsOfAsync(app, chair, NotificationTopics.ItemEscalated, 3);
        var ids = notifications.Select(n => n.Id).ToList();
        bool WeComIs(List<NotificationDelivery> d, DeliveryState state, int attempts) =>
            d.Count(x => x.Channel == NotificationChannel.WeCom && x.State == state && x.Attempts == attempts) == 3;
        await DeliveriesAsync(app, ids, d => WeComIs(d, DeliveryState.Retrying, 1));

        // the outage goes on: the retries back off 30 s, then 60 s (the test moves the clock and runs what is due)
        var dispatcher = app.Services.GetRequiredService<NotificationDispatcher>();
        await dispatcher.RunDueAsync(CancellationToken.None);
        await DeliveriesAsync(app, ids, d => WeComIs(d, DeliveryState.Retrying, 1)); // not due yet: nothing tried
        app.Time.Advance(TimeSpan.FromSeconds(30));
        await dispatcher.RunDueAsync(CancellationToken.None);
        await DeliveriesAsync(app, ids, d => WeComIs(d, DeliveryState.Retrying, 2));
        app.Time.Advance(TimeSpan.FromSeconds(59));
        await dispatcher.RunDueAsync(CancellationToken.None);
        await DeliveriesAsync(app, ids, d => WeComIs(d, DeliveryState.Retrying, 2));
        app.Time.Advance(TimeSpan.FromSeconds(1));
        await dispatcher.RunDueAsync(CancellationToken.None);
        await DeliveriesAsync(app, ids, d => WeComIs(d, DeliveryState.Retrying, 3));

        app.Robots.Failing.TryRemove("street1-wecom", out _);
        app.Time.Advance(TimeSpan.FromSeconds(120));
        await dispatcher.RunDueAsync(CancellationToken.None);
        await DeliveriesAsync(app, ids, d => WeComIs(d, DeliveryState.Sent, 4));
        app.Time.Advance(TimeSpan.FromHours(1));
        await dispatcher.RunDueAsync(CancellationToken.None);

        var calls = app.Robots.For("street1-wecom");
        Assert.Equal(9, calls.Count(c => !c.Answered200));
        var delivered = calls.Where(c => c.Answered200).Select(c => c.Body.GetProperty("text").GetProperty("content").GetString()!).ToList();
        Assert.Equal(3, delivered.Count);
        Assert.All(items, item => Assert.Single(delivered, content => content.Contains(item.ToString("D"), StringComparison.Ordinal)));

        using var client = await app.ClientForAsync(DemoUsers.StreetChair);
        var log = await client.GetFromJsonAsync<JsonElement>($"/api/notifications/{ids[0]}/deliveries");
        var wecom = log.EnumerateArray().Single(d => d.GetProperty("channel").GetString() == "WeCom");
        Assert.Equal(("Sent", 4), (wecom.GetProperty("state").GetString(), wecom.GetProperty("attempts").GetInt32()));
        var attempts = wecom.GetProperty("log").EnumerateArray().ToList();
        Assert.Equal([false, false, false, true], attempts.Select(a => a.GetProperty("succeeded").GetBoolean()));
        Assert.All(attempts.Take(3), a => Assert.Contains("HTTP 500", a.GetProperty("error").GetString(), StringComparison.Ordinal));
        Assert.Equal("Sent", log.EnumerateArray().Single(d => d.GetProperty("channel").GetString() == "InApp").GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_delivery_a_dead_node_left_sending_is_taken_over_when_its_lease_runs_out_and_sent_once()
    {
        var secretary = DemoRegion.Person("zhoumin");
        await PutSettingsAsync(app, "zhoumin", new { channels = new[] { "WeCom" } });
        await PutChannelsAsync(app, DemoRegion.Community(2).Value, new { weComWebhook = app.Robots.WeComUrl("community2-wecom") });
        app.Robots.Failing["community2-wecom"] = true;
        var now = app.Time.GetUtcNow();
        var booking = Guid.NewGuid();
        await PublishAsync(app, new BookingConfirmed(booking, Guid.NewGuid(), DemoRegion.Unit(5).Value, DemoRegion.Community(2).Value, DemoRegion.CommunityAlliance(2).Value,
            now.AddDays(1), now.AddDays(1).AddHours(1), "owner"));
        var notification = await NotificationAboutAsync(app, secretary, NotificationTopics.BookingConfirmed, booking);
        var delivery = (await DeliveriesAsync(app, [notification.Id], d => d.Any(x => x.Channel == NotificationChannel.WeCom && x.State == DeliveryState.Retrying)))
            .Single(d => d.Channel == NotificationChannel.WeCom);

        // a node claimed the second attempt and died before it could record anything
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var lease = app.Time.GetUtcNow().UtcDateTime + app.Services.GetRequiredService<NotificationOptions>().Lease;
            await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Set<NotificationDelivery>().Where(d => d.Id == delivery.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.State, DeliveryState.Sending).SetProperty(d => d.Attempts, 2).SetProperty(d => d.LeaseUntilUtc, lease));
        }

        app.Robots.Failing.TryRemove("community2-wecom", out _);
        var dispatcher = app.Services.GetRequiredService<NotificationDispatcher>();
        app.Time.Advance(app.Services.GetRequiredService<NotificationOptions>().Lease - TimeSpan.FromSeconds(1));
        await dispatcher.RunDueAsync(CancellationToken.None);
        Assert.Equal(DeliveryState.Sending, await dispatcher.AttemptAsync(delivery.Id, CancellationToken.None)); // the lease still holds: nobody else sends
        Assert.DoesNotContain(app.Robots.For("community2-wecom"), c => c.Answered200);

        app.Time.Advance(TimeSpan.FromSeconds(2));
        await dispatcher.RunDueAsync(CancellationToken.None);
        await dispatcher.RunDueAsync(CancellationToken.None);
        var taken = (await DeliveriesAsync(app, [notification.Id], d => d.Any(x => x.Id == delivery.Id && x.State == DeliveryState.Sent))).Single(d => d.Id == delivery.Id);
        Assert.Equal(3, taken.Attempts);
        Assert.Single(app.Robots.For("community2-wecom"), c => c.Answered200);
    }
}
