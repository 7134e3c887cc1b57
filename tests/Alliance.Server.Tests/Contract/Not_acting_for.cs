using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Commitments;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Resources;

namespace Alliance.Server.Tests.Contract;

/// <summary>Issue 20, defect 6: naming an organisation one does not act for is 403 <c>scope.not-acting-for</c> everywhere.</summary>
public sealed class Not_acting_for(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task A_commitment_for_a_unit_one_does_not_act_for_is_403()
    {
        using var client = await app.ClientForAsync(DemoUsers.UnitContact);
        using var response = await client.PostAsJsonAsync("/api/commitments", CommitmentsKit.Commitment(app.Year(), unitId: DemoRegion.Unit(2).Value));
        await AssertNotActingForAsync(response);
    }

    [Fact]
    public async Task A_need_for_a_community_one_does_not_act_for_is_403()
    {
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var from = app.Time.GetUtcNow().AddDays(5);
        using var response = await client.PostAsJsonAsync("/api/needs", new
        {
            communityId = DemoRegion.Community(2).Value,
            title = "老年居民健康义诊",
            category = "医疗",
            description = "希望在周六上午接受血压血糖检测。",
            headCount = 20,
            wantedFrom = from,
            wantedTo = from.AddHours(3),
        });
        await AssertNotActingForAsync(response);
    }

    [Fact]
    public async Task A_booking_for_an_organisation_one_does_not_act_for_is_403()
    {
        var room = await app.RoomAsync("代订测试室");
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var start = app.Day(3, 10);
        using var response = await client.PostAsJsonAsync($"/api/resources/{room}/bookings",
            new { start, end = start.AddHours(1), purpose = "主题党日活动", headCount = 10, requesterId = DemoRegion.Unit(2).Value });
        await AssertNotActingForAsync(response);
    }

    private static async Task AssertNotActingForAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode} {problem}");
        Assert.Equal("scope.not-acting-for", problem!["code"]!.GetValue<string>());
    }
}
