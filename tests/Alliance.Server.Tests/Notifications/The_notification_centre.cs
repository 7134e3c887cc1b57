using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Contracts.Items;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using Alliance.Server.Tests.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Notifications.NotificationsKit;

namespace Alliance.Server.Tests.Notifications;

/// <summary>On the embedded defaults (in-app only): the notification centre, its scope, its live count, and the settings' checks.</summary>
public sealed class The_notification_centre(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task Nobody_reads_another_persons_notifications()
    {
        var chair = DemoRegion.Person(DemoUsers.StreetChair);
        var item = Guid.NewGuid();
        await PublishAsync(app, new ItemEscalated(item, DemoRegion.CommunityAlliance(1).Value, [DemoRegion.Community(1).Value], 2, "deadline:claim", DemoRegion.Street(1).Value));
        var notification = await NotificationAboutAsync(app, chair, NotificationTopics.ItemEscalated, item);

        foreach (var other in new[] { DemoUsers.StreetStaff, DemoUsers.DistrictAdmin, DemoUsers.OtherStreetChair })
        {
            using var client = await app.ClientForAsync(other);
            var page = await client.GetFromJsonAsync<JsonElement>("/api/notifications");
            Assert.DoesNotContain(page.GetProperty("items").EnumerateArray(), n => n.GetProperty("id").GetGuid() == notification.Id);
            using var read = await client.PostAsync($"/api/notifications/{notification.Id}/read", null);
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
            Assert.Equal("not-found", (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/notifications/{notification.Id}/deliveries")).StatusCode);
        }

        using var owner = await app.ClientForAsync(DemoUsers.StreetChair);
        var before = (await owner.GetFromJsonAsync<JsonElement>("/api/notifications/unread-count")).GetProperty("unread").GetInt32();
        var unreadPage = await owner.GetFromJsonAsync<JsonElement>("/api/notifications?unread=true&pageSize=50");
        var mine = unreadPage.GetProperty("items").EnumerateArray().Single(n => n.GetProperty("id").GetGuid() == notification.Id);
        Assert.Equal("督办：" + notification.SubjectId, mine.GetProperty("titleZh").GetString());
        using (var read = await owner.PostAsync($"/api/notifications/{notification.Id}/read", null))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        Assert.Equal(before - 1, (await owner.GetFromJsonAsync<JsonElement>("/api/notifications/unread-count")).GetProperty("unread").GetInt32());
        Assert.DoesNotContain((await owner.GetFromJsonAsync<JsonElement>("/api/notifications?unread=true")).GetProperty("items").EnumerateArray(),
            n => n.GetProperty("id").GetGuid() == notification.Id);
        var all = await owner.GetFromJsonAsync<JsonElement>("/api/notifications?page=1&pageSize=1");
        Assert.Equal(1, all.GetProperty("items").GetArrayLength());
        Assert.True(all.GetProperty("total").GetInt32() >= 1);
    }

    [Fact]
    public async Task An_urgent_item_submitted_through_the_api_reaches_the_member_units_and_the_unread_count_is_pushed_on_the_persons_own_stream()
    {
        var contact = DemoRegion.Person("zhuting");
        var stream = $"person:{contact:D}";
        await using var connection = await HubClients.ConnectAsync(app, await app.TokenForAsync("zhuting"));
        var pushed = Received.On<NotificationEvent>(connection, nameof(IAllianceClient.Notification));
        Assert.True((await LiveTestKit.WatchAsync(connection, stream)).Watching);
        await using (var stranger = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.DistrictAdmin)))
        {
            Assert.False((await LiveTestKit.WatchAsync(stranger, stream)).Watching);
        }

        var item = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.Item("urgent", "安全", days: 1, title: "桂花路燃气管道破裂"));

        var urgent = await pushed.WaitForAsync(e => e.Topic == NotificationTopics.UrgentItem, Patience);
        Assert.Equal("急事共商：桂花路燃气管道破裂", urgent.TitleZh);
        Assert.True(urgent.Urgent);
        Assert.True(urgent.Unread >= 1);
        Assert.Equal(stream, urgent.Stream);

        // the urgent route also asks each member unit to respond: a task for the unit's people
        var task = await NotificationAboutAsync(app, contact, NotificationTopics.TaskAssigned, item);
        Assert.Equal("事项「桂花路燃气管道破裂」有一项任务待您处理", task.BodyZh[..task.BodyZh.IndexOf('（', StringComparison.Ordinal)]);
        Assert.Contains("（急事响应）", task.BodyZh, StringComparison.Ordinal); // the step's title, not its id
        Assert.Contains("(Respond to the urgent item)", task.BodyEn, StringComparison.Ordinal);
        await pushed.WaitForAsync(e => e.NotificationId == task.Id, Patience);
        using var client = await app.ClientForAsync("zhuting");
        using (var readAll = await client.PostAsync("/api/notifications/read-all", null))
        {
            Assert.Equal(HttpStatusCode.OK, readAll.StatusCode);
        }

        var read = await pushed.WaitForAsync(e => e.Change == "read", Patience);
        Assert.Equal(0, read.Unread);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/notifications/unread-count")).GetProperty("unread").GetInt32());
    }

    [Fact]
    public async Task A_joint_task_published_to_a_unit_tells_its_people_and_its_route_reminds_them_before_the_claim_deadline()
    {
        var contact = DemoRegion.Person(DemoUsers.UnitContact);
        var item = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.JointTask(category: "法律"));

        var assigned = await NotificationAboutAsync(app, contact, NotificationTopics.TaskAssigned, item);
        Assert.Equal("新任务：认领实事", assigned.TitleZh);
        await NotificationAboutAsync(app, DemoRegion.Person(DemoUsers.UnitSecretary), NotificationTopics.TaskAssigned, item);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // the community's people submitted it; the task is not theirs
            var db = scope.ServiceProvider.GetRequiredService<Alliance.Server.Infrastructure.Persistence.AllianceDbContext>();
            Assert.False(await db.Set<Notification>().AnyAsync(n => n.SubjectId == item && n.UserId == DemoRegion.Person(DemoUsers.CommunitySecretary)));
        }

        // the claim window is 3 days; the rules remind 1 day and 2 hours before it ends
        await app.FireTimersAsync(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        var reminder = await NotificationAboutAsync(app, contact, NotificationTopics.TaskReminder, item);
        Assert.Equal("任务即将到期：认领实事", reminder.TitleZh);
    }

    [Fact]
    public async Task Bad_channel_configuration_is_a_problem_naming_the_field_and_secrets_are_only_shown_masked()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var unit = DemoRegion.Unit(1).Value;
        await AssertFieldAsync(admin.PutAsJsonAsync($"/api/notifications/channels/{unit}", new { weComWebhook = "qyapi.weixin.qq.com/send" }), "weComWebhook");
        await AssertFieldAsync(admin.PutAsJsonAsync($"/api/notifications/channels/{unit}", new { weComWebhook = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send" }), "weComWebhook");
        await AssertFieldAsync(admin.PutAsJsonAsync($"/api/notifications/channels/{unit}", new { dingTalkWebhook = "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789" }), "dingTalkSecret");
        await AssertFieldAsync(admin.PutAsJsonAsync($"/api/notifications/channels/{unit}",
            new { dingTalkWebhook = "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789", dingTalkSecret = "not-a-secret" }), "dingTalkSecret");

        const string key = "693a91f6-7aoc-4bc4-97a0-0ec2sifa5aaa";
        const string secret = "SEC19dd84be8c7f3cf71761974f1ed3ef77c1451906ae8ba18acf56103ee";
        using (var saved = await admin.PutAsJsonAsync($"/api/notifications/channels/{unit}", new
        {
            weComWebhook = $"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}",
            dingTalkWebhook = "https://oapi.dingtalk.com/robot/send?access_token=98975521a1b23c02cdd1a9a08c69511ddf5fa9d2ae387813d1c5348fb",
            dingTalkSecret = secret,
        }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            var text = await saved.Content.ReadAsStringAsync();
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("98975521a1b23c02cdd1a9a08c69511ddf5fa9d2ae387813d1c5348fb", text, StringComparison.Ordinal);
        }

        var shown = await admin.GetFromJsonAsync<JsonElement>($"/api/notifications/channels/{unit}");
        Assert.Equal("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a…5aaa", shown.GetProperty("weComWebhook").GetString());
        Assert.Equal("SEC1…03ee", shown.GetProperty("dingTalkSecret").GetString());

        using (var contact = await app.ClientForAsync(DemoUsers.UnitContact))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await contact.PutAsJsonAsync($"/api/notifications/channels/{unit}", new { weComWebhook = "" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await contact.GetAsync($"/api/notifications/channels/{DemoRegion.Unit(13).Value}")).StatusCode);
        }

        using var person = await app.ClientForAsync(DemoUsers.UnitContact);
        await AssertFieldAsync(person.PutAsJsonAsync("/api/notifications/settings", new { channels = new[] { "Email" }, email = "lin@unit1.example" }), "channels");
        await AssertFieldAsync(person.PutAsJsonAsync("/api/notifications/settings", new { mobile = "12345" }), "mobile");
        await AssertFieldAsync(person.PutAsJsonAsync("/api/notifications/settings", new { email = "not an address" }), "email");
        await AssertFieldAsync(person.PutAsJsonAsync("/api/notifications/settings", new { quietStart = "25:00" }), "quietStart");
        var settings = await person.GetFromJsonAsync<JsonElement>("/api/notifications/settings");
        Assert.Equal(["InApp"], settings.GetProperty("available").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(("22:00", "07:00"), (settings.GetProperty("quietStart").GetString(), settings.GetProperty("quietEnd").GetString()));
    }

    private static async Task AssertFieldAsync(Task<HttpResponseMessage> request, string field)
    {
        using var response = await request;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("validation", problem.GetProperty("code").GetString());
        var error = problem.GetProperty("errors").GetProperty(field);
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("zh-CN").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("en").GetString()));
    }
}
