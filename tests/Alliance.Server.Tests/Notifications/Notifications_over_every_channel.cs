using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Alliance.Contracts.Items;
using Alliance.Contracts.Resources;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Infrastructure.Messaging;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using static Alliance.Server.Tests.Notifications.NotificationsKit;

namespace Alliance.Server.Tests.Notifications;

public sealed class Notifications_over_every_channel(NotificationsAppFactory app) : IClassFixture<NotificationsAppFactory>
{
    private const string Mobile = "13800000001";

    [Fact]
    public async Task An_urgent_item_reaches_every_member_units_people_in_app_and_each_external_channel_in_its_documented_format()
    {
        var lin = DemoRegion.Person(DemoUsers.UnitContact);
        await PutSettingsAsync(app, DemoUsers.UnitContact, new { channels = new[] { "WeCom", "DingTalk", "Email", "Sms" }, email = "lin@unit1.example", mobile = Mobile });
        var secret = "SEC" + new string('7', 61);
        app.Robots.DingTalkSecrets["unit1-ding"] = secret;
        await PutChannelsAsync(app, DemoRegion.Unit(1).Value, new { weComWebhook = app.Robots.WeComUrl("unit1-wecom"), dingTalkWebhook = app.Robots.DingTalkUrl("unit1-ding"), dingTalkSecret = secret });

        var item = Guid.NewGuid();
        await PublishAsync(app, new ItemSubmitted(item, DemoRegion.CommunityAlliance(1).Value, [DemoRegion.Community(1).Value], 1, "Urgent", "暴雨预警：桂花路积水", null));

        var mine = await NotificationAboutAsync(app, lin, NotificationTopics.UrgentItem, item);
        Assert.True(mine.Urgent);
        Assert.Equal("急事共商：暴雨预警：桂花路积水", mine.TitleZh);
        Assert.Equal("Urgent: 暴雨预警：桂花路积水", mine.TitleEn);
        // every member unit's people and the host community's secretary, in-app
        foreach (var person in new[] { DemoUsers.UnitSecretary, "huanglijuan", DemoUsers.SeveralRoles, "zhuting", "guoqian", DemoUsers.CommunitySecretary })
        {
            Assert.Equal(mine.SourceEventId, (await NotificationAboutAsync(app, DemoRegion.Person(person), NotificationTopics.UrgentItem, item)).SourceEventId);
        }

        var deliveries = await DeliveriesAsync(app, [mine.Id], d => d.Count == 5 && d.All(x => x.State is DeliveryState.Sent or DeliveryState.DeadLettered));
        Assert.All(deliveries, d => Assert.Equal((DeliveryState.Sent, 1), (d.State, d.Attempts)));

        var wecom = Assert.Single(app.Robots.For("unit1-wecom"));
        Assert.Null(wecom.FormatError);
        Assert.Equal("text", wecom.Body.GetProperty("msgtype").GetString());
        Assert.Contains("暴雨预警：桂花路积水", wecom.Body.GetProperty("text").GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal([Mobile], wecom.Body.GetProperty("text").GetProperty("mentioned_mobile_list").EnumerateArray().Select(m => m.GetString()));

        var dingtalk = Assert.Single(app.Robots.For("unit1-ding"));
        Assert.Null(dingtalk.FormatError); // the stand-in checked the signed timestamp
        Assert.Equal("markdown", dingtalk.Body.GetProperty("msgtype").GetString());
        Assert.Equal("急事共商：暴雨预警：桂花路积水", dingtalk.Body.GetProperty("markdown").GetProperty("title").GetString());
        Assert.Contains("@" + Mobile, dingtalk.Body.GetProperty("markdown").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal([Mobile], dingtalk.Body.GetProperty("at").GetProperty("atMobiles").EnumerateArray().Select(m => m.GetString()));
        Assert.False(dingtalk.Body.GetProperty("at").GetProperty("isAtAll").GetBoolean());

        var mail = Assert.Single(app.Smtp.ReceivedEmail, m => m.ToAddresses.Any(a => a.Address == "lin@unit1.example"));
        using var raw = new MemoryStream(Encoding.UTF8.GetBytes(mail.Data));
        var message = await MimeMessage.LoadAsync(raw);
        Assert.Equal("急事共商：暴雨预警：桂花路积水", message.Subject);
        Assert.Equal("alliance@jiangbin.example", message.From.Mailboxes.Single().Address);
        Assert.Contains("暴雨预警：桂花路积水", message.TextBody, StringComparison.Ordinal);
        Assert.Equal(mine.Id.ToString("D"), message.Headers["X-Alliance-Notification"]);

        var sms = Assert.Single(app.Robots.For("sms"), c => c.Body.GetProperty("mobile").GetString() == Mobile);
        Assert.Null(sms.FormatError);
        Assert.Contains("暴雨预警：桂花路积水", sms.Body.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redelivered_event_or_delivery_message_sends_nothing_twice()
    {
        var yang = DemoRegion.Person(DemoUsers.SeveralRoles);
        await PutSettingsAsync(app, DemoUsers.SeveralRoles, new { channels = new[] { "WeCom" }, mobile = "13800000003" });
        await PutChannelsAsync(app, DemoRegion.Unit(3).Value, new { weComWebhook = app.Robots.WeComUrl("unit3-wecom") });
        var confirmed = new BookingConfirmed(Guid.NewGuid(), Guid.NewGuid(), DemoRegion.Unit(4).Value, DemoRegion.Unit(3).Value, DemoRegion.CommunityAlliance(1).Value,
            app.Time.GetUtcNow().AddDays(2), app.Time.GetUtcNow().AddDays(2).AddHours(2), "owner");

        await PublishAsync(app, confirmed);
        var notification = await NotificationAboutAsync(app, yang, NotificationTopics.BookingConfirmed, confirmed.BookingId);
        var wecom = (await DeliveriesAsync(app, [notification.Id], d => d.Any(x => x.Channel == NotificationChannel.WeCom && x.State == DeliveryState.Sent)))
            .Single(d => d.Channel == NotificationChannel.WeCom);

        // the same event again (at-least-once bus) and the same delivery again (a redelivered message, a second node)
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<NotificationWriter>().WriteAsync(NotificationRules.ConsumerName, confirmed.EventId,
                new NotificationRequest(NotificationTopics.BookingConfirmed, confirmed.AllianceId, [confirmed.RequesterId], confirmed.BookingId, new Dictionary<string, string?>()),
                CancellationToken.None));
        }

        var dispatcher = app.Services.GetRequiredService<NotificationDispatcher>();
        Assert.Equal(DeliveryState.Sent, await dispatcher.AttemptAsync(wecom.Id, CancellationToken.None));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => dispatcher.AttemptAsync(wecom.Id, CancellationToken.None)));
        await dispatcher.RunDueAsync(CancellationToken.None);

        Assert.Single(app.Robots.For("unit3-wecom"));
        await NotificationAboutAsync(app, yang, NotificationTopics.BookingConfirmed, confirmed.BookingId);
    }

    [Fact]
    public async Task A_rule_an_alliance_switched_off_tells_nobody_and_only_the_hosts_administrator_may_change_it()
    {
        var alliance = DemoRegion.CommunityAlliance(2).Value;
        using (var unit = await app.ClientForAsync("hujun"))
        {
            using var refused = await unit.PutAsJsonAsync($"/api/notifications/rules/{alliance}/item.urgent", new { enabled = false });
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var secretary = await app.ClientForAsync("zhoumin");
        using (var response = await secretary.PutAsJsonAsync($"/api/notifications/rules/{alliance}/item.urgent", new { enabled = false }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var unknown = await secretary.PutAsJsonAsync($"/api/notifications/rules/{alliance}/no.such-rule", new { enabled = false }))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        var rules = await secretary.GetFromJsonAsync<JsonElement>($"/api/notifications/rules/{alliance}");
        var urgent = rules.EnumerateArray().Single(r => r.GetProperty("topic").GetString() == "item.urgent");
        Assert.False(urgent.GetProperty("enabled").GetBoolean());
        Assert.True(rules.EnumerateArray().Single(r => r.GetProperty("topic").GetString() == "item.escalated").GetProperty("enabled").GetBoolean());

        var submitted = new ItemSubmitted(Guid.NewGuid(), alliance, [DemoRegion.Community(2).Value], 1, "Urgent", "新华路停水", null);
        await PublishAsync(app, submitted);
        await WaitForAsync(app, db => db.ProcessedMessages.AnyAsync(m => m.Consumer == NotificationRules.ConsumerName && m.MessageId == submitted.EventId), done => done);
        await using var scope = app.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Set<Notification>().AnyAsync(n => n.SourceEventId == submitted.EventId));
    }
}
