using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Meetings;

/// <summary>
/// What the meeting page reads besides the meeting: the items the preparer may add by hand, the calendar's range of
/// meetings, and, for a person who answers for two member units, each unit's own ballot.
/// </summary>
public sealed class Preparing_and_answering_for_several_members(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Chair = MeetingsKit.Chair;

    [Fact]
    public async Task The_waiting_list_offers_the_items_the_chair_may_add_by_hand_and_only_while_the_agenda_is_collected()
    {
        var item = await app.DeliberationWaitingAsync("社区停车位错峰共享议题");
        var meeting = await app.OnlyAsync(await app.ScheduleAsync(), [item]);
        var id = meeting.Id();
        Assert.DoesNotContain(item, await WaitingAsync(id)); // on this agenda already

        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{meeting.PointOf(item).Id()}/remove", new { reason = "材料待补充" });
        Assert.Contains(item, await WaitingAsync(id));

        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda", new { itemId = item });
        Assert.DoesNotContain(item, await WaitingAsync(id));

        using (var unit = await app.SendAsync(DemoUsers.UnitContact, HttpMethod.Get, $"/api/meetings/{id}/agenda/waiting"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, unit.StatusCode);
        }

        // an item on another meeting's open agenda is not offered here
        var other = (await app.ScheduleAsync("桂花社区第二次联席会议")).Id();
        Assert.DoesNotContain(item, await WaitingAsync(other));

        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/fix");
        Assert.Empty(await WaitingAsync(id));
        await app.MeetingDoAsync(Chair, $"/api/meetings/{other}/cancel", new { reason = "测试结束" });
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/cancel", new { reason = "测试结束" });
    }

    [Fact]
    public async Task The_list_between_from_and_to_holds_the_meetings_that_overlap_that_range()
    {
        var now = app.Time.GetUtcNow();
        var soon = (await app.ScheduleAsync("本周联席会议")).Id();
        var later = (await app.MeetingDoAsync(Chair, "/api/meetings", new
        {
            allianceId = DemoRegion.CommunityAlliance(1).Value, kind = "adHoc", title = "下月联席会议",
            startsAt = now.AddDays(40), endsAt = now.AddDays(40).AddHours(2), location = "桂花社区党群服务中心",
        })).Id();

        var thisMonth = await ListAsync(now.AddDays(-1), now.AddDays(30));
        var nextMonth = await ListAsync(now.AddDays(30), now.AddDays(60));

        Assert.Contains(soon, thisMonth);
        Assert.DoesNotContain(later, thisMonth);
        Assert.Contains(later, nextMonth);
        Assert.DoesNotContain(soon, nextMonth);
        await app.MeetingDoAsync(Chair, $"/api/meetings/{soon}/cancel", new { reason = "测试结束" });
        await app.MeetingDoAsync(Chair, $"/api/meetings/{later}/cancel", new { reason = "测试结束" });
    }

    [Fact]
    public async Task A_person_who_answers_for_two_member_units_sees_each_units_own_ballot()
    {
        var user = "twounits" + Guid.NewGuid().ToString("N")[..6];
        using (var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin))
        {
            using var created = await admin.PostAsJsonAsync("/api/people", new
            {
                userName = user, displayName = "两单位联络员", password = DemoUsers.Password,
                grants = new[] { new { role = "UnitContact", organisationId = MeetingsKit.Members[0].Unit }, new { role = "UnitContact", organisationId = MeetingsKit.Members[1].Unit } },
            });
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        var decision = await app.DecisionWaitingAsync();
        var meeting = await app.OnlyAsync(await app.ScheduleAsync(), [decision]);
        var id = meeting.Id();
        await app.OpenWithAsync(id, present: 0);
        foreach (var (_, unit) in MeetingsKit.Members.Take(3))
        {
            await app.MeetingDoAsync(unit == MeetingsKit.Members[2].Unit ? MeetingsKit.Members[2].User : user, $"/api/meetings/{id}/check-in", new { organisationId = unit });
        }

        var vote = meeting.PointOf(decision).Id();
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{vote}/vote/open");
        await app.MeetingDoAsync(user, $"/api/meetings/{id}/agenda/{vote}/ballots", new { choice = "for", organisationId = MeetingsKit.Members[0].Unit });
        var seen = await app.MeetingDoAsync(user, $"/api/meetings/{id}/agenda/{vote}/ballots", new { choice = "against", organisationId = MeetingsKit.Members[1].Unit });

        var point = seen.PointOf(decision);
        var ballots = point["yourBallots"]!.AsArray().OfType<JsonObject>()
            .ToDictionary(b => b["organisationId"]!.GetValue<Guid>(), b => b["choice"]!.GetValue<string>());
        Assert.Equal(new Dictionary<Guid, string> { [MeetingsKit.Members[0].Unit] = "for", [MeetingsKit.Members[1].Unit] = "against" }, ballots);
        Assert.Equal((1, 1), (point["for"]!.GetValue<int>(), point["against"]!.GetValue<int>()));
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{vote}/vote/close", new { });
    }

    private async Task<List<Guid>> WaitingAsync(Guid meeting)
    {
        using var client = await app.ClientForAsync(Chair);
        var items = (await client.GetFromJsonAsync<JsonArray>($"/api/meetings/{meeting}/agenda/waiting"))!;
        return [.. items.OfType<JsonObject>().Select(i => i["id"]!.GetValue<Guid>())];
    }

    private async Task<List<Guid>> ListAsync(DateTimeOffset from, DateTimeOffset to)
    {
        using var client = await app.ClientForAsync(Chair);
        var meetings = (await client.GetFromJsonAsync<JsonArray>($"/api/meetings?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}"))!;
        return [.. meetings.OfType<JsonObject>().Select(m => m["id"]!.GetValue<Guid>())];
    }
}
