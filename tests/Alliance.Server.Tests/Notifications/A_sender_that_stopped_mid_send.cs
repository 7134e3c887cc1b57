using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Contracts.Items;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Notifications.NotificationsKit;

namespace Alliance.Server.Tests.Notifications;

/// <summary>
/// A node that died while Sending leaves its claim behind; once the lease has run out, what happens depends on whether
/// the message had been handed to the channel. (The real kill, with real processes, is a fault of Alliance.Faults.Tests.)
/// </summary>
public sealed class A_sender_that_stopped_mid_send(NotificationsAppFactory app) : IClassFixture<NotificationsAppFactory>
{
    [Fact]
    public async Task After_handing_the_message_to_the_channel_is_dead_lettered_as_outcome_unknown_and_not_sent_again()
    {
        var (delivery, key) = await ClaimLeftBehindAsync("street2-unknown", handedOver: true);
        var dispatcher = app.Services.GetRequiredService<NotificationDispatcher>();
        await dispatcher.RunDueAsync(CancellationToken.None);

        var dead = Assert.Single(await DeliveriesAsync(app, [delivery.NotificationId], d => d.Any(x => x.Id == delivery.Id && x.State == DeliveryState.DeadLettered)),
            d => d.Id == delivery.Id);
        Assert.Equal((2, NotificationDispatcher.OutcomeUnknown, null), (dead.Attempts, dead.LastError, dead.HandedOverUtc));
        Assert.DoesNotContain(app.Robots.For(key), c => c.Answered200); // only the first, failed attempt reached the robot

        using (var chair = await app.ClientForAsync(DemoUsers.OtherStreetChair))
        {
            var log = await chair.GetFromJsonAsync<JsonElement>($"/api/notifications/{delivery.NotificationId}/deliveries");
            var attempts = log.EnumerateArray().Single(d => d.GetProperty("id").GetGuid() == delivery.Id).GetProperty("log").EnumerateArray().ToList();
            Assert.Equal(NotificationDispatcher.OutcomeUnknown, attempts.Single(a => a.GetProperty("number").GetInt32() == 2).GetProperty("error").GetString());
        }

        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/notifications/dead-letters");
        Assert.Contains(list.EnumerateArray(), d => d.GetProperty("deliveryId").GetGuid() == delivery.Id && d.GetProperty("lastError").GetString() == NotificationDispatcher.OutcomeUnknown);

        // the sweep again, later: still nothing sent; an administrator who checked the channel replays it, and it goes once
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await dispatcher.RunDueAsync(CancellationToken.None);
        Assert.DoesNotContain(app.Robots.For(key), c => c.Answered200);
        using (var replay = await admin.PostAsync($"/api/notifications/dead-letters/{delivery.Id}/replay", null))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        }

        await DeliveriesAsync(app, [delivery.NotificationId], d => d.Any(x => x.Id == delivery.Id && x.State == DeliveryState.Sent && x.Attempts == 3));
        Assert.Single(app.Robots.For(key), c => c.Answered200);
    }

    [Fact]
    public async Task Before_handing_the_message_to_the_channel_is_taken_over_and_sent_once()
    {
        var (delivery, key) = await ClaimLeftBehindAsync("street2-never-sent", handedOver: false);
        var dispatcher = app.Services.GetRequiredService<NotificationDispatcher>();
        await dispatcher.RunDueAsync(CancellationToken.None);

        var sent = Assert.Single(await DeliveriesAsync(app, [delivery.NotificationId], d => d.Any(x => x.Id == delivery.Id && x.State == DeliveryState.Sent)),
            d => d.Id == delivery.Id);
        Assert.Equal((3, null, null), (sent.Attempts, sent.LastError, sent.HandedOverUtc));
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await dispatcher.RunDueAsync(CancellationToken.None);
        Assert.Single(app.Robots.For(key), c => c.Answered200);
    }

    /// <summary>
    /// A WeCom delivery whose first attempt failed (the robot answered 500), then claimed for attempt 2 by a sender
    /// that stopped: Sending, its lease run out, handed over or not, and no outcome recorded.
    /// </summary>
    private async Task<(NotificationDelivery Delivery, string Key)> ClaimLeftBehindAsync(string key, bool handedOver)
    {
        await PutSettingsAsync(app, DemoUsers.OtherStreetChair, new { channels = new[] { "WeCom" } });
        await PutChannelsAsync(app, DemoRegion.Street(2).Value, new { weComWebhook = app.Robots.WeComUrl(key) });
        app.Robots.Failing[key] = true;
        var item = Guid.NewGuid();
        await PublishAsync(app, new ItemEscalated(item, DemoRegion.CommunityAlliance(4).Value, [DemoRegion.Community(4).Value], 3, "deadline:work", DemoRegion.Street(2).Value));
        var notification = await NotificationAboutAsync(app, DemoRegion.Person(DemoUsers.OtherStreetChair), NotificationTopics.ItemEscalated, item);
        var delivery = (await DeliveriesAsync(app, [notification.Id], d => d.Any(x => x.Channel == NotificationChannel.WeCom && x.State == DeliveryState.Retrying)))
            .Single(d => d.Channel == NotificationChannel.WeCom);
        app.Robots.Failing.TryRemove(key, out _);

        var now = app.Time.GetUtcNow().UtcDateTime;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Set<NotificationDelivery>().Where(d => d.Id == delivery.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.Sending).SetProperty(d => d.Attempts, 2)
                    .SetProperty(d => d.LeaseUntilUtc, now.AddSeconds(-1)).SetProperty(d => d.HandedOverUtc, handedOver ? now.AddMinutes(-2) : null));
        }

        return (delivery, key);
    }
}
