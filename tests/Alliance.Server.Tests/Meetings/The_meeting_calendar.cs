using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Meetings;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Meetings;

/// <summary>
/// The calendar job with the fake clock: each regular meeting of an alliance's schedule is created once, its lead time
/// ahead; at notice time its agenda closes and the members are told; a day before, the members that have not replied
/// are reminded, once.
/// </summary>
public sealed class The_meeting_calendar(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private static readonly Guid Community = DemoRegion.CommunityAlliance(1).Value;

    /// <summary>Two runs at once, as on two nodes.</summary>
    private async Task RunTwiceAtOnceAsync()
    {
        await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<MeetingCalendar>().RunAsync(CancellationToken.None);
        }));
    }

    private async Task<List<JsonObject>> RegularMeetingsAsync(Guid alliance)
    {
        using var client = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var list = await client.GetFromJsonAsync<JsonArray>($"/api/meetings?allianceId={alliance}&from=2026-01-01T00:00:00Z");
        return [.. list!.OfType<JsonObject>().Where(m => m["kind"]!.GetValue<string>() == "regular")];
    }

    private async Task<List<JsonObject>> NotificationsAsync(string user, string topic)
    {
        using var client = await app.ClientForAsync(user);
        var page = await client.GetFromJsonAsync<JsonObject>("/api/notifications?pageSize=100");
        return [.. page!["items"]!.AsArray().OfType<JsonObject>().Where(n => n["topic"]!.GetValue<string>() == topic)];
    }

    [Fact]
    public async Task Creates_each_regular_meeting_once_fixes_its_agenda_at_notice_time_and_reminds_the_members_that_did_not_reply()
    {
        // 2026-03-22 02:00Z: the community's next regular meeting (09:00 on the 5th, Asia/Shanghai) is 2026-04-05 01:00Z,
        // 14 days ahead less an hour; the street alliance's (quarterly, 10 April) is further than its lead time
        app.Time.Advance(new DateTimeOffset(2026, 3, 22, 2, 0, 0, TimeSpan.Zero) - app.Time.GetUtcNow());
        await RunTwiceAtOnceAsync();
        await RunTwiceAtOnceAsync();

        var regular = Assert.Single(await RegularMeetingsAsync(Community), m => m["startsUtc"]!.GetValue<DateTime>() == new DateTime(2026, 4, 5, 1, 0, 0, DateTimeKind.Utc));
        Assert.Equal(("scheduled", "桂花社区区域化党建联盟2026年4月联席会议"), (regular["status"]!.GetValue<string>(), regular["title"]!.GetValue<string>()));
        Assert.Empty(await RegularMeetingsAsync(DemoRegion.StreetAlliance(1).Value));
        Assert.Empty(await NotificationsAsync(DemoUsers.UnitContact, "meeting.notice"));

        // notice time: three days before (2026-04-02 02:00Z)
        app.Time.Advance(TimeSpan.FromDays(11));
        await RunTwiceAtOnceAsync();
        var id = regular["id"]!.GetValue<Guid>();
        using (var client = await app.ClientForAsync(MeetingsKit.Chair))
        {
            Assert.Equal("agendaFixed", (await client.GetFromJsonAsync<JsonObject>($"/api/meetings/{id}"))!["status"]!.GetValue<string>());
        }

        var notice = Assert.Single(await WaitForAsync(DemoUsers.UnitContact, "meeting.notice", 1));
        Assert.Contains("上次决议落实情况", notice["bodyZh"]!.GetValue<string>());
        Assert.Contains($"/api/meetings/{id}/invitation.ics", notice["bodyZh"]!.GetValue<string>());
        await app.MeetingDoAsync(DemoUsers.UnitContact, $"/api/meetings/{id}/reply", new { reply = "attend", organisationId = DemoRegion.Unit(1).Value });

        // a day before (2026-04-04 02:00Z): only the members that did not reply are reminded, once
        app.Time.Advance(TimeSpan.FromDays(2));
        await RunTwiceAtOnceAsync();
        await RunTwiceAtOnceAsync();
        Assert.Single(await WaitForAsync("huanglijuan", "meeting.reminder", 1));
        Assert.Empty(await NotificationsAsync(DemoUsers.UnitContact, "meeting.reminder"));
    }

    private async Task<List<JsonObject>> WaitForAsync(string user, string topic, int count)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var found = await NotificationsAsync(user, topic);
            if (found.Count >= count || DateTime.UtcNow > until)
            {
                return found;
            }

            await Task.Delay(100);
        }
    }
}
