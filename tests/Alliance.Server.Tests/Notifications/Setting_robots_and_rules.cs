using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Notifications;

/// <summary>
/// An organisation's group robots and an alliance's rules, through <see cref="OrganisationChannelOperations"/> and
/// <see cref="NotificationRuleOperations"/>, which the API and the pages 组织通知渠道 and 通知规则 both call.
/// </summary>
public sealed class Setting_robots_and_rules(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string DingTalkSecret = "SEC19dd84be8c7f3cf71761974f1ed3ef77c1451906ae8ba18acf56103ee";

    [Fact]
    public async Task A_robot_left_out_is_kept_and_an_empty_one_is_removed()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var unit = DemoRegion.Unit(2).Value;
        using (var saved = await admin.PutAsJsonAsync($"/api/notifications/channels/{unit}", new
        {
            weComWebhook = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aoc-4bc4-97a0-0ec2sifa5aaa",
            dingTalkWebhook = "https://oapi.dingtalk.com/robot/send?access_token=98975521a1b23c02cdd1a9a08c69511ddf5fa9d2ae387813d1c5348fb",
            dingTalkSecret = DingTalkSecret,
        }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        using (var cleared = await admin.PutAsJsonAsync($"/api/notifications/channels/{unit}", new { dingTalkWebhook = "", dingTalkSecret = "" }))
        {
            Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        }

        var shown = await admin.GetFromJsonAsync<JsonElement>($"/api/notifications/channels/{unit}");
        Assert.Equal("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a…5aaa", shown.GetProperty("weComWebhook").GetString());
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("dingTalkWebhook").ValueKind);
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("dingTalkSecret").ValueKind);
    }

    [Fact]
    public async Task Roles_given_to_a_rule_are_shown_and_none_return_it_to_its_default_and_an_alliance_out_of_scope_is_not_found()
    {
        var alliance = DemoRegion.CommunityAlliance(1).Value;
        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        using (var narrowed = await secretary.PutAsJsonAsync($"/api/notifications/rules/{alliance}/booking.confirmed", new { roles = new[] { "UnitContact", "CommunitySecretary", "UnitContact" } }))
        {
            Assert.Equal(HttpStatusCode.OK, narrowed.StatusCode);
            var rule = await narrowed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(["CommunitySecretary", "UnitContact"], rule.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
            Assert.False(rule.GetProperty("isDefault").GetBoolean());
            Assert.True(rule.GetProperty("enabled").GetBoolean());
        }

        using (var reset = await secretary.PutAsJsonAsync($"/api/notifications/rules/{alliance}/booking.confirmed", new { enabled = false, roles = Array.Empty<string>() }))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        }

        var rules = await secretary.GetFromJsonAsync<JsonElement>($"/api/notifications/rules/{alliance}");
        var confirmed = rules.EnumerateArray().Single(r => r.GetProperty("topic").GetString() == NotificationTopics.BookingConfirmed);
        Assert.Empty(confirmed.GetProperty("roles").EnumerateArray());
        Assert.False(confirmed.GetProperty("enabled").GetBoolean());

        using var other = await app.ClientForAsync(DemoUsers.OtherCommunitySecretary);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/notifications/rules/{alliance}")).StatusCode);
        using var refused = await other.PutAsJsonAsync($"/api/notifications/rules/{alliance}/booking.confirmed", new { enabled = true });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public async Task A_page_is_told_who_may_change_the_rules_and_which_organisations_robots_the_person_may_set()
    {
        var alliance = DemoRegion.CommunityAlliance(1).Value;
        var host = await AsAsync(DemoUsers.CommunitySecretary, (db, scope) => NotificationRuleOperations.ReadAsync(scope, db, alliance, CancellationToken.None));
        var member = await AsAsync(DemoUsers.UnitContact, (db, scope) => NotificationRuleOperations.ReadAsync(scope, db, alliance, CancellationToken.None));
        Assert.True(host.CanChange);
        Assert.False(member.CanChange);
        Assert.Equal(NotificationTopics.All.Select(t => t.Name), member.Rules.Select(r => r.Topic));
        Assert.Contains(alliance, (await AsAsync(DemoUsers.UnitContact, (db, scope) => NotificationRuleOperations.VisibleAlliancesAsync(scope, db, CancellationToken.None))).Select(a => a.Id));

        Assert.Empty(await AsAsync(DemoUsers.UnitContact, (db, scope) => OrganisationChannelOperations.AdministeredAsync(scope, db, CancellationToken.None)));
        var unitSecretary = await AsAsync(DemoUsers.UnitSecretary, (db, scope) => OrganisationChannelOperations.AdministeredAsync(scope, db, CancellationToken.None));
        Assert.Equal([DemoRegion.Unit(1).Value], unitSecretary.Select(o => o.Id));
        var community = await AsAsync(DemoUsers.CommunitySecretary, (db, scope) => OrganisationChannelOperations.AdministeredAsync(scope, db, CancellationToken.None));
        Assert.Equal(DemoRegion.Community(1).Value, community[0].Id);
        Assert.DoesNotContain(DemoRegion.Street(1).Value, community.Select(o => o.Id));
    }

    private async Task<T> AsAsync<T>(string userName, Func<AllianceDbContext, AccessScope, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var user = await db.Set<AllianceUser>().AsNoTracking().SingleAsync(u => u.UserName == userName);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new(ClaimTypes.NameIdentifier, user.Id.ToString()), new(ClaimTypes.Name, userName)], "test"));
        var access = await scope.ServiceProvider.GetRequiredService<AccessScopeResolver>().ResolveAsync(principal);
        return await work(db, access);
    }
}
