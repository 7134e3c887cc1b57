using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;

namespace Alliance.Server.Tests.Meetings;

/// <summary>Helpers for running joint meetings through HTTP as the demo users.</summary>
internal static class MeetingsKit
{
    public const string Chair = DemoUsers.CommunitySecretary;

    /// <summary>The members of 桂花社区区域化党建联盟 with the unit each answers for (units 1-4 and 6).</summary>
    public static readonly (string User, Guid Unit)[] Members =
    [
        (DemoUsers.UnitContact, DemoRegion.Unit(1).Value), ("huanglijuan", DemoRegion.Unit(2).Value), (DemoUsers.SeveralRoles, DemoRegion.Unit(3).Value),
        ("zhuting", DemoRegion.Unit(4).Value), ("guoqian", DemoRegion.Unit(6).Value),
    ];

    public static async Task<HttpResponseMessage> SendAsync(this AllianceAppFactory app, string user, HttpMethod method, string path, object? body = null)
    {
        using var client = await app.ClientForAsync(user);
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        return await client.SendAsync(request);
    }

    /// <summary>A meeting action that must succeed; answers the meeting after it.</summary>
    public static async Task<JsonObject> MeetingDoAsync(this AllianceAppFactory app, string user, string path, object? body = null, HttpMethod? method = null)
    {
        using var response = await app.SendAsync(user, method ?? HttpMethod.Post, path, body ?? new { });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>A meeting action that must be refused with <paramref name="status"/> and <paramref name="code"/>.</summary>
    public static async Task<JsonObject> RefusedAsync(this AllianceAppFactory app, string user, string path, object? body, HttpStatusCode status, string code)
    {
        using var response = await app.SendAsync(user, HttpMethod.Post, path, body ?? new { });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{path}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(code, problem["code"]!.GetValue<string>());
        return problem;
    }

    /// <summary>A deliberation of the first community alliance taken through intake and opinions: it waits for a meeting.</summary>
    public static async Task<Guid> DeliberationWaitingAsync(this AllianceAppFactory app, string title = "老旧小区加装电梯议题")
    {
        var id = await app.SubmitAsync(Chair, app.Item("deliberation", days: null, title: title));
        await app.DoAsync(Chair, id, "intake", "accept");
        await app.DoAsync(Chair, id, "scope", "stay");
        foreach (var member in ItemsKit.CommunityMembers)
        {
            await app.DoAsync(member, id, "opinions", "agree", fields: new { opinion = "同意" });
        }

        Assert.Equal("awaiting-meeting", (await app.ItemAsync(Chair, id)).Status());
        return id;
    }

    public static async Task<Guid> DecisionWaitingAsync(this AllianceAppFactory app, string category = "养老")
    {
        await app.DecideAtMeetingsAsync();
        var id = await app.SubmitAsync(Chair, app.Item("decision", category, title: "社区养老服务站共建方案"));
        await app.DoAsync(Chair, id, "intake", "accept");
        Assert.Equal("awaiting-meeting", (await app.ItemAsync(Chair, id)).Status());
        return id;
    }

    /// <summary>The alliance decides its decision items at its joint meeting (rules of procedure: decisionsAt).</summary>
    public static async Task DecideAtMeetingsAsync(this AllianceAppFactory app)
    {
        var path = $"/api/alliances/{DemoRegion.CommunityAlliance(1).Value}/rules";
        using var client = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var rules = (await client.GetFromJsonAsync<JsonObject>(path))!;
        rules["decisionsAt"] = "meeting";
        using var put = await client.PutAsJsonAsync(path, rules);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    /// <summary>An ad hoc meeting of the first community alliance, an hour from now; its agenda window takes every waiting item.</summary>
    public static Task<JsonObject> ScheduleAsync(this AllianceAppFactory app, string title = "桂花社区联席会议") =>
        app.MeetingDoAsync(Chair, "/api/meetings", new
        {
            allianceId = DemoRegion.CommunityAlliance(1).Value,
            kind = "adHoc",
            title,
            startsAt = app.Time.GetUtcNow().AddHours(1),
            endsAt = app.Time.GetUtcNow().AddHours(3),
            location = "桂花社区党群服务中心二楼会议室",
        });

    public static Guid Id(this JsonObject node) => node["id"]!.GetValue<Guid>();

    public static JsonObject PointOf(this JsonObject meeting, Guid item) =>
        meeting["agenda"]!.AsArray().OfType<JsonObject>().Single(p => p["itemId"]?.GetValue<Guid>() == item && !p["removed"]!.GetValue<bool>());

    public static JsonObject ReviewPoint(this JsonObject meeting) =>
        meeting["agenda"]!.AsArray().OfType<JsonObject>().Single(p => p["kind"]!.GetValue<string>() == "review");

    /// <summary>Takes every point but the review and <paramref name="keep"/> off a scheduled meeting's agenda (items other tests left waiting).</summary>
    public static async Task<JsonObject> OnlyAsync(this AllianceAppFactory app, JsonObject meeting, IReadOnlyCollection<Guid> keep, string chair = Chair)
    {
        var id = meeting.Id();
        foreach (var point in meeting["agenda"]!.AsArray().OfType<JsonObject>()
            .Where(p => p["itemId"] is not null && !p["removed"]!.GetValue<bool>() && !keep.Contains(p["itemId"]!.GetValue<Guid>())))
        {
            meeting = await app.MeetingDoAsync(chair, $"/api/meetings/{id}/agenda/{point.Id()}/remove", new { reason = "另行安排" });
        }

        return meeting;
    }

    /// <summary>Fixes the agenda (unless fixed), opens the meeting and checks in the first <paramref name="present"/> members (each itself).</summary>
    public static async Task<JsonObject> OpenWithAsync(this AllianceAppFactory app, Guid meeting, int present)
    {
        using (var client = await app.ClientForAsync(Chair))
        {
            if ((await client.GetFromJsonAsync<JsonObject>($"/api/meetings/{meeting}"))!["status"]!.GetValue<string>() == "scheduled")
            {
                await app.MeetingDoAsync(Chair, $"/api/meetings/{meeting}/agenda/fix");
            }
        }

        var opened = await app.MeetingDoAsync(Chair, $"/api/meetings/{meeting}/open");
        foreach (var (user, unit) in Members.Take(present))
        {
            opened = await app.MeetingDoAsync(user, $"/api/meetings/{meeting}/check-in", new { organisationId = unit });
        }

        return opened;
    }

    public static Task<JsonObject> VoteAsync(this AllianceAppFactory app, Guid meeting, Guid point, int member, string choice) =>
        app.MeetingDoAsync(Members[member].User, $"/api/meetings/{meeting}/agenda/{point}/ballots", new { choice, organisationId = Members[member].Unit });

    /// <summary>Waits (up to 20 s) until the item's status is <paramref name="status"/>: the meeting's outcome reaches the route over the bus.</summary>
    public static async Task<JsonObject> ItemReachesAsync(this AllianceAppFactory app, Guid item, string status, string user = Chair)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var current = await app.ItemAsync(user, item);
            if (current.Status() == status || DateTime.UtcNow > until)
            {
                Assert.Equal(status, current.Status());
                return current;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits (up to 20 s) until the meeting step of the item's route has been completed <paramref name="times"/> times.</summary>
    public static async Task<JsonObject> MeetingStepsDoneAsync(this AllianceAppFactory app, Guid item, int times)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var current = await app.ItemAsync(Chair, item);
            var done = current["pastSteps"]!.AsArray().Count(s => s!["step"]!.GetValue<string>() == "resolve");
            if (done >= times || DateTime.UtcNow > until)
            {
                Assert.Equal(times, done);
                return current;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Settles a waiting item at a meeting of its own (the joint meeting completes the route's waiting step):
    /// schedule, only this item on the agenda, open, the review noted, the item decided, closed.
    /// </summary>
    public static async Task SettleAtMeetingAsync(this AllianceAppFactory app, Guid item, object decision, string chair = Chair, Guid? alliance = null)
    {
        var scheduled = await app.MeetingDoAsync(chair, "/api/meetings", new
        {
            allianceId = alliance ?? DemoRegion.CommunityAlliance(1).Value,
            kind = "adHoc",
            title = "临时联席会议",
            startsAt = app.Time.GetUtcNow().AddMinutes(30),
            endsAt = app.Time.GetUtcNow().AddHours(2),
        });
        var id = scheduled.Id();
        var meeting = await app.OnlyAsync(scheduled, [item], chair);
        await app.MeetingDoAsync(chair, $"/api/meetings/{id}/agenda/fix");
        await app.MeetingDoAsync(chair, $"/api/meetings/{id}/open");
        await app.MeetingDoAsync(chair, $"/api/meetings/{id}/agenda/{meeting.ReviewPoint().Id()}/decide", new { outcome = "noted" });
        await app.MeetingDoAsync(chair, $"/api/meetings/{id}/agenda/{meeting.PointOf(item).Id()}/decide", decision);
        await app.MeetingDoAsync(chair, $"/api/meetings/{id}/close");
    }
}
