using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Contracts.Items;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using static Alliance.Server.Tests.Notifications.NotificationsKit;

namespace Alliance.Server.Tests.Notifications;

/// <summary>
/// A well-formed DingTalk robot saved with a secret that is not the robot's: the save cannot know, the platform refuses
/// the signature. The delivery log says so plainly, the person's in-app notification stands, and nothing crashes.
/// (A malformed URL or secret is refused on save: The_notification_centre.Bad_channel_configuration_….)
/// </summary>
public sealed class A_wrong_robot_secret(NotificationsAppFactory app) : IClassFixture<NotificationsAppFactory>
{
    [Fact]
    public async Task Is_a_clear_entry_in_the_delivery_log_naming_the_platforms_refusal_and_the_in_app_notification_is_delivered()
    {
        var chair = DemoRegion.Person(DemoUsers.OtherStreetChair);
        await PutSettingsAsync(app, DemoUsers.OtherStreetChair, new { channels = new[] { "DingTalk" } });
        app.Robots.DingTalkSecrets["street2-ding"] = "SEC" + new string('1', 61);
        await PutChannelsAsync(app, DemoRegion.Street(2).Value,
            new { dingTalkWebhook = app.Robots.DingTalkUrl("street2-ding"), dingTalkSecret = "SEC" + new string('2', 61) });

        var item = Guid.NewGuid();
        await PublishAsync(app, new ItemEscalated(item, DemoRegion.CommunityAlliance(4).Value, [DemoRegion.Community(4).Value], 3, "deadline:work", DemoRegion.Street(2).Value));
        var notification = await NotificationAboutAsync(app, chair, NotificationTopics.ItemEscalated, item);
        var deliveries = await DeliveriesAsync(app, [notification.Id],
            d => d.Any(x => x.Channel == NotificationChannel.DingTalk && x.Attempts >= 1 && x.State is DeliveryState.Retrying or DeliveryState.DeadLettered));
        Assert.Equal(DeliveryState.Sent, deliveries.Single(d => d.Channel == NotificationChannel.InApp).State);

        using var client = await app.ClientForAsync(DemoUsers.OtherStreetChair);
        using var response = await client.GetAsync($"/api/notifications/{notification.Id}/deliveries");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ding = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single(d => d.GetProperty("channel").GetString() == "DingTalk");
        var first = ding.GetProperty("log").EnumerateArray().First();
        Assert.False(first.GetProperty("succeeded").GetBoolean());
        var error = first.GetProperty("error").GetString();
        Assert.Contains("DingTalk refused the message", error, StringComparison.Ordinal);
        Assert.Contains("sign not match", error, StringComparison.Ordinal);
        Assert.Contains("sign not match", ding.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        var calls = app.Robots.For("street2-ding");
        Assert.NotEmpty(calls);
        Assert.All(calls, c => Assert.Equal("sign not match", c.FormatError));
    }
}
