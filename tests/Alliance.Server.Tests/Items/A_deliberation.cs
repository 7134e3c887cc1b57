using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Meetings;

namespace Alliance.Server.Tests.Items;

/// <summary>大事共议 through HTTP: intake, scope, the opinion round of every member unit, the joint meeting's resolution.</summary>
public sealed class A_deliberation(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;

    [Fact]
    public async Task Is_accepted_opened_to_every_member_resolved_and_its_resolution_starts_a_joint_task()
    {
        var id = await app.SubmitAsync(Secretary, app.Item("deliberation", days: null));
        Assert.Equal("intake-review", (await app.ItemAsync(Secretary, id)).Status());
        await app.DoAsync(Secretary, id, "intake", "accept");
        await app.DoAsync(Secretary, id, "scope", "stay");
        Assert.Equal("opinions", (await app.ItemAsync(Secretary, id)).Status());
        foreach (var member in ItemsKit.CommunityMembers)
        {
            await app.DoAsync(member, id, "opinions", "agree", fields: new { opinion = "同意" });
        }

        Assert.Equal("awaiting-meeting", (await app.ItemAsync(Secretary, id)).Status());
        await app.SettleAtMeetingAsync(id, new
        {
            outcome = "resolved",
            resolution = "同意加装，由税务所协调",
            leadUnitId = DemoRegion.Unit(1).Value,
            dueDate = app.Today().AddDays(20),
        });

        var item = await app.ItemReachesAsync(id, "resolved");
        Assert.NotNull(item["closedUtc"]);
        var childTask = (await app.InboxAsync(DemoUsers.UnitContact)).OfType<JsonObject>()
            .Single(t => t["step"]!.GetValue<string>() == "claim" && t["itemTitle"]!.GetValue<string>() == "老旧小区加装电梯议题");
        var child = await app.ItemAsync(Secretary, childTask["itemId"]!.GetValue<Guid>());
        Assert.Equal(id, child["parentItemId"]!.GetValue<Guid>());
        Assert.Equal("jointTask", child["kind"]!.GetValue<string>());
        Assert.Equal("published", child.Status());
    }

    [Fact]
    public async Task Returned_with_a_reason_it_is_revised_and_resubmitted_then_rejected_with_a_reason()
    {
        var id = await app.SubmitAsync(Secretary, app.Item("deliberation", days: null));
        await app.DoAsync(Secretary, id, "intake", "return", "请补充居民意见调查");
        Assert.Equal("returned", (await app.ItemAsync(Secretary, id)).Status());
        await app.DoAsync(Secretary, id, "revise", "resubmit", fields: new { description = "已补充：80%居民同意" });
        Assert.Equal("intake-review", (await app.ItemAsync(Secretary, id)).Status());
        await app.DoAsync(Secretary, id, "intake", "reject", "不属于联盟议事范围");

        var item = await app.ItemAsync(Secretary, id);
        Assert.Equal("rejected", item.Status());
        Assert.NotNull(item["closedUtc"]);
        Assert.Contains(item["pastSteps"]!.AsArray(), s => s!["outcome"]!.GetValue<string>() == "reject" && s["comment"]!.GetValue<string>() == "不属于联盟议事范围");
    }

    [Fact]
    public async Task Escalated_for_scope_it_opens_a_deliberation_of_the_street_alliance_and_waits_for_its_outcome()
    {
        var id = await app.SubmitAsync(Secretary, app.Item("deliberation", days: null));
        await app.DoAsync(Secretary, id, "intake", "accept");
        await app.DoAsync(Secretary, id, "scope", "escalate", "涉及新华社区，跨社区事项");

        var item = await app.ItemAsync(Secretary, id);
        Assert.Equal("escalated", item.Status());
        Assert.True(item["escalated"]!.GetValue<bool>());
        Assert.Null(item["closedUtc"]);
        Assert.Contains("ItemEscalated", item.Events());
        var link = Assert.Single(item["childItems"]!.AsArray())!;
        Assert.Equal(("deliberation", DemoRegion.StreetAlliance(1).Value), (link["kind"]!.GetValue<string>(), link["allianceId"]!.GetValue<Guid>()));
        var streetId = link["id"]!.GetValue<Guid>();
        var street = await app.ItemAsync(DemoUsers.StreetChair, streetId);
        Assert.Equal((id, "intake-review"), (street["parentItemId"]!.GetValue<Guid>(), street.Status()));
        Assert.Equal(DemoRegion.Street(1).Value, street["hostOrganisationId"]!.GetValue<Guid>());
        Assert.Equal(DemoRegion.Community(1).Value, street["submitterOrganisationId"]!.GetValue<Guid>());
        Assert.DoesNotContain((await app.InboxAsync(DemoUsers.StreetChair)).OfType<JsonObject>(), t => t["itemId"]!.GetValue<Guid>() == id);

        // the street deliberates it on its own route: intake, scope, its members' opinions, its chair's resolution
        await app.DoAsync(DemoUsers.StreetChair, streetId, "intake", "accept");
        await app.DoAsync(DemoUsers.StreetChair, streetId, "scope", "stay");
        Assert.Equal("opinions", (await app.ItemAsync(DemoUsers.StreetChair, streetId)).Status());
        await app.DoAsync(DemoUsers.UnitContact, streetId, "opinions", "agree", fields: new { opinion = "同意由街道统筹" });
        await app.AdvanceAsync(TimeSpan.FromDays(31));
        Assert.Equal("escalated", (await app.ItemAsync(Secretary, id)).Status());
        await app.SettleAtMeetingAsync(streetId, new { outcome = "resolved", resolution = "由街道统筹两社区共同实施" }, DemoUsers.StreetChair,
            DemoRegion.StreetAlliance(1).Value);

        await app.ItemReachesAsync(streetId, "resolved", DemoUsers.StreetChair);
        var concluded = await app.ItemReachesAsync(id, "resolved-by-street", Secretary);
        Assert.NotNull(concluded["closedUtc"]);
        Assert.Equal("resolved", concluded["childItems"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Escalated_by_the_street_alliance_itself_it_goes_to_the_street_chair()
    {
        var id = await app.SubmitAsync(DemoUsers.StreetChair, new
        {
            kind = "deliberation", title = "跨社区停车难问题", description = "东湖街道多个社区反映停车难。", category = "综合治理",
            allianceId = DemoRegion.StreetAlliance(1).Value, scope = "alliance",
        });
        await app.DoAsync(DemoUsers.StreetChair, id, "intake", "accept");
        await app.DoAsync(DemoUsers.StreetChair, id, "scope", "escalate", "超出街道协调能力");

        var item = await app.ItemAsync(DemoUsers.StreetChair, id);
        Assert.Equal("escalated", item.Status());
        Assert.Empty(item["childItems"]!.AsArray());
        await app.DoAsync(DemoUsers.StreetChair, id, "street", "resolved", fields: new { resolution = "由街道统筹" });
        Assert.Equal("closed", (await app.ItemAsync(DemoUsers.StreetChair, id)).Status());
    }

    [Fact]
    public async Task When_the_opinion_window_closes_the_item_waits_for_the_meeting_with_the_opinions_given()
    {
        var id = await app.SubmitAsync(Secretary, app.Item("deliberation", days: null));
        await app.DoAsync(Secretary, id, "intake", "accept");
        await app.DoAsync(Secretary, id, "scope", "stay");
        await app.DoAsync(DemoUsers.UnitContact, id, "opinions", "disagree", fields: new { opinion = "费用过高" });

        await app.AdvanceAsync(TimeSpan.FromDays(7).Add(TimeSpan.FromMinutes(1)));

        var item = await app.ItemAsync(Secretary, id);
        Assert.Equal("awaiting-meeting", item.Status());
        Assert.Equal(4, item["pastSteps"]!.AsArray().Count(s => s!["step"]!.GetValue<string>() == "opinions" && s["outcome"]!.GetValue<string>() != "disagree"));
        Assert.DoesNotContain(await app.InboxAsync(Secretary), t => t!["itemId"]!.GetValue<Guid>() == id); // the meeting settles it, not the chair alone
        var meeting = await app.ScheduleAsync();
        Assert.Equal("deliberation", meeting.PointOf(id)["kind"]!.GetValue<string>());
        await app.MeetingDoAsync(MeetingsKit.Chair, $"/api/meetings/{meeting.Id()}/cancel", new { reason = "测试结束" });
    }
}
