using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Contracts.Items;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Notifications.NotificationsKit;

namespace Alliance.Server.Tests.Notifications;

public sealed class A_channel_that_keeps_failing(NotificationsAppFactory app) : IClassFixture<NotificationsAppFactory>
{
    [Fact]
    public async Task Goes_to_the_dead_letter_list_that_only_the_district_administrator_sees_and_a_replay_delivers_it_once()
    {
        var chair = DemoRegion.Person(DemoUsers.OtherStreetChair);
        await PutSettingsAsync(app, DemoUsers.OtherStreetChair, new { channels = new[] { "WeCom" } });
        await PutChannelsAsync(app, DemoRegion.Street(2).Value, new { weComWebhook = app.Robots.WeComUrl("street2-wecom") });
        app.Robots.Failing["street2-wecom"] = true;

        var item = Guid.NewGuid();
        await PublishAsync(app, new ItemEscalated(item, DemoRegion.CommunityAlliance(4).Value, [DemoRegion.Community(4).Value], 3, "deadline:work", DemoRegion.Street(2).Value));
        var notification = await NotificationAboutAsync(app, chair, NotificationTopics.ItemEscalated, item);
        await DeliveriesAsync(app, [notification.Id], d => d.Any(x => x.Channel == NotificationChannel.WeCom && x.Attempts == 1 && x.State == DeliveryState.Retrying));
        var dispatcher = app.Services.GetRequiredService<NotificationDispatcher>();
        for (var attempt = 1; attempt < 6; attempt++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(30 * Math.Pow(2, attempt - 1)));
            await dispatcher.RunDueAsync(CancellationToken.None);
        }

        var dead = (await DeliveriesAsync(app, [notification.Id], d => d.Any(x => x.State == DeliveryState.DeadLettered))).Single(d => d.Channel == NotificationChannel.WeCom);
        Assert.Equal(6, dead.Attempts);
        Assert.Contains("HTTP 500", dead.LastError, StringComparison.Ordinal);

        using (var other = await app.ClientForAsync(DemoUsers.OtherStreetChair))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/notifications/dead-letters")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync($"/api/notifications/dead-letters/{dead.Id}/replay", null)).StatusCode);
        }

        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/notifications/dead-letters");
        var entry = list.EnumerateArray().Single(d => d.GetProperty("deliveryId").GetGuid() == dead.Id);
        Assert.Equal(("WeCom", 6, chair), (entry.GetProperty("channel").GetString(), entry.GetProperty("attempts").GetInt32(), entry.GetProperty("userId").GetGuid()));

        app.Robots.Failing.TryRemove("street2-wecom", out _);
        using (var replay = await admin.PostAsync($"/api/notifications/dead-letters/{dead.Id}/replay", null))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        }

        await DeliveriesAsync(app, [notification.Id], d => d.Any(x => x.Id == dead.Id && x.State == DeliveryState.Sent && x.Attempts == 7));
        using (var again = await admin.PostAsync($"/api/notifications/dead-letters/{dead.Id}/replay", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal("notification.not-dead-lettered", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        Assert.Single(app.Robots.For("street2-wecom"), c => c.Answered200);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>("/api/notifications/dead-letters")).EnumerateArray(), d => d.GetProperty("deliveryId").GetGuid() == dead.Id);
    }
}
