using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;

namespace Alliance.Server.Tests.Meetings;

/// <summary>
/// 联席会议 through HTTP: items that wait for a meeting join its agenda; the chair fixes it and opens the meeting;
/// members reply, check in and vote; outcomes continue the items' routes; the minutes are drafted, edited, published.
/// </summary>
public sealed class A_joint_meeting(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Chair = MeetingsKit.Chair;

    private Task<Guid> DeliberationWaitingAsync(string title = "老旧小区加装电梯议题") => app.DeliberationWaitingAsync(title);

    private Task<Guid> DecisionWaitingAsync(string category = "养老") => app.DecisionWaitingAsync(category);

    private Task DecideAtMeetingsAsync() => app.DecideAtMeetingsAsync();

    [Fact]
    public async Task Runs_from_the_schedule_to_published_minutes_and_starts_the_follow_up_tasks()
    {
        var deliberation = await DeliberationWaitingAsync();
        var decision = await DecisionWaitingAsync();
        Assert.DoesNotContain(await app.InboxAsync(Chair), t => t!["itemId"]!.GetValue<Guid>() == deliberation && t["step"]!.GetValue<string>() == "resolve");

        var scheduled = await app.ScheduleAsync();
        var id = scheduled.Id();
        Assert.Equal("scheduled", scheduled["status"]!.GetValue<string>());
        Assert.Equal(1, scheduled.ReviewPoint()["order"]!.GetValue<int>());
        Assert.Contains("此前没有已召开的联席会议", scheduled.ReviewPoint()["summary"]!.GetValue<string>());
        var meeting = await app.OnlyAsync(scheduled, [deliberation, decision]);
        Assert.Equal("decision", meeting.PointOf(decision)["kind"]!.GetValue<string>());
        meeting = await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/order", new { points = new[] { meeting.PointOf(decision).Id(), meeting.PointOf(deliberation).Id() } }, HttpMethod.Put);
        Assert.Equal(2, meeting.PointOf(decision)["order"]!.GetValue<int>());

        // notice: a deputy, an absence with its reason
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/fix");
        await app.MeetingDoAsync("zhuting", $"/api/meetings/{id}/reply", new { reply = "deputy", deputyName = "王小明", organisationId = DemoRegion.Unit(4).Value });
        await app.MeetingDoAsync("guoqian", $"/api/meetings/{id}/reply", new { reply = "absent", reason = "外出培训", organisationId = DemoRegion.Unit(6).Value });
        using (var ics = await app.SendAsync(DemoUsers.UnitContact, HttpMethod.Get, $"/api/meetings/{id}/invitation.ics"))
        {
            var calendar = await ics.Content.ReadAsStringAsync();
            Assert.Contains("BEGIN:VCALENDAR", calendar);
            Assert.Contains("社区养老服务站共建方案", calendar.Replace("\r\n ", "", StringComparison.Ordinal));
        }

        meeting = await app.OpenWithAsync(id, present: 4);
        Assert.Equal((4, 5, true), (meeting["present"]!.GetValue<int>(), meeting["members"]!.GetValue<int>(), meeting["quorumReached"]!.GetValue<bool>()));
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{meeting.ReviewPoint().Id()}/decide", new { outcome = "noted" });

        var vote = meeting.PointOf(decision).Id();
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{vote}/notes", new { notes = "与会单位一致认为方案可行。" });
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{vote}/vote/open");
        await app.VoteAsync(id, vote, 0, "for");
        await app.VoteAsync(id, vote, 1, "for");
        await app.VoteAsync(id, vote, 2, "against");
        await app.VoteAsync(id, vote, 2, "for"); // changed before the vote closes
        var tallied = await app.VoteAsync(id, vote, 3, "abstain");
        Assert.Equal((3, 0, 1), (tallied.PointOf(decision)["for"]!.GetValue<int>(), tallied.PointOf(decision)["against"]!.GetValue<int>(), tallied.PointOf(decision)["abstain"]!.GetValue<int>()));
        var closed = await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{vote}/vote/close", new
        {
            resolution = "同意共建养老服务站", leadUnitId = DemoRegion.Unit(2).Value, dueDate = app.Today().AddDays(30),
        });
        Assert.Equal("resolved", closed.PointOf(decision)["outcome"]!.GetValue<string>());

        var point = meeting.PointOf(deliberation).Id();
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{point}/decide", new
        {
            outcome = "resolved", resolution = "同意加装，由税务所协调", leadUnitId = DemoRegion.Unit(1).Value, dueDate = app.Today().AddDays(20),
        });
        var ended = await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/close");
        var minutes = ended["minutes"]!.GetValue<string>();
        Assert.Contains("应到成员单位 5 个，实到 4 个", minutes);
        Assert.Contains("委托 王小明", minutes);
        Assert.Contains("外出培训", minutes);
        Assert.Contains("赞成 3，反对 0，弃权 1", minutes);
        Assert.Contains("同意加装，由税务所协调", minutes);

        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/minutes", new { minutes = minutes + "\n会议记录人：孙磊" }, HttpMethod.Put);
        var published = await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/minutes/publish");
        Assert.Equal("minutesPublished", published["status"]!.GetValue<string>());
        await app.RefusedAsync(Chair, $"/api/meetings/{id}/minutes/publish", null, HttpStatusCode.Conflict, "meeting.status");
        using (var docx = await app.SendAsync(DemoUsers.UnitContact, HttpMethod.Get, $"/api/meetings/{id}/minutes.docx"))
        {
            Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
            using var zip = new ZipArchive(await docx.Content.ReadAsStreamAsync());
            using var body = new StreamReader(zip.GetEntry("word/document.xml")!.Open());
            Assert.Contains("会议记录人：孙磊", await body.ReadToEndAsync());
        }

        // the outcomes continue the routes: both items resolved, each with its joint task at the lead unit
        var resolved = await app.ItemReachesAsync(deliberation, "resolved");
        var passed = await app.ItemReachesAsync(decision, "passed");
        Assert.Single(resolved["childItems"]!.AsArray());
        Assert.Single(passed["childItems"]!.AsArray());
        Assert.Contains(await app.InboxAsync(DemoUsers.UnitContact), t => t!["itemTitle"]!.GetValue<string>() == "老旧小区加装电梯议题" && t["step"]!.GetValue<string>() == "claim");
        Assert.Contains(await app.InboxAsync("huanglijuan"), t => t!["itemTitle"]!.GetValue<string>() == "社区养老服务站共建方案" && t["step"]!.GetValue<string>() == "claim");

        // the next meeting's first point reports on them
        var next = await app.ScheduleAsync("桂花社区下次联席会议");
        var review = next.ReviewPoint()["summary"]!.GetValue<string>();
        Assert.Contains("共议定 2 项", review);
        Assert.Contains("联合任务 1 项，已完成 0 项", review);
        await app.MeetingDoAsync(Chair, $"/api/meetings/{next.Id()}/cancel", new { reason = "测试结束" });
    }

    [Fact]
    public async Task Without_the_quorum_no_vote_opens()
    {
        var decision = await DecisionWaitingAsync();
        var meeting = await app.OnlyAsync(await app.ScheduleAsync(), [decision]);
        var id = meeting.Id();
        await app.OpenWithAsync(id, present: 2);

        var refused = await app.RefusedAsync(Chair, $"/api/meetings/{id}/agenda/{meeting.PointOf(decision).Id()}/vote/open", null, HttpStatusCode.Conflict, "meeting.no-quorum");
        Assert.Contains("未达法定人数", refused["detail"]!.GetValue<string>());

        // the chair marks a third member present: more than half of five
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/check-in", new { organisationId = MeetingsKit.Members[2].Unit });
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{meeting.PointOf(decision).Id()}/vote/open");
    }

    [Fact]
    public async Task A_tie_fails_and_a_two_thirds_category_missing_by_one_fails()
    {
        var ordinary = await DecisionWaitingAsync();
        var qualified = await DecisionWaitingAsync("经费使用");
        var meeting = await app.OnlyAsync(await app.ScheduleAsync(), [ordinary, qualified]);
        var id = meeting.Id();
        await app.OpenWithAsync(id, present: 4);

        var tie = meeting.PointOf(ordinary).Id();
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{tie}/vote/open");
        await app.VoteAsync(id, tie, 0, "for");
        await app.VoteAsync(id, tie, 1, "for");
        await app.VoteAsync(id, tie, 2, "against");
        await app.VoteAsync(id, tie, 3, "against");
        var tied = await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{tie}/vote/close", new { });
        Assert.Equal("failed", tied.PointOf(ordinary)["outcome"]!.GetValue<string>());

        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/check-in", new { organisationId = MeetingsKit.Members[4].Unit });
        var two = meeting.PointOf(qualified).Id();
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{two}/vote/open");
        foreach (var (member, choice) in new[] { (0, "for"), (1, "for"), (2, "for"), (3, "against"), (4, "abstain") })
        {
            await app.VoteAsync(id, two, member, choice);
        }

        var missed = await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{two}/vote/close", new { });
        var point = missed.PointOf(qualified);
        Assert.Equal((">=2/3", 5, 3, "failed"), (point["threshold"]!.GetValue<string>(), point["eligible"]!.GetValue<int>(), point["for"]!.GetValue<int>(), point["outcome"]!.GetValue<string>()));
        await app.ItemReachesAsync(ordinary, "failed");
        await app.ItemReachesAsync(qualified, "failed");
    }

    [Fact]
    public async Task An_item_deferred_more_often_than_the_rules_allow_escalates_by_itself()
    {
        var item = await DeliberationWaitingAsync("小区停车位改造议题");
        for (var round = 1; round <= 2; round++)
        {
            await app.SettleAtMeetingAsync(item, new { outcome = "deferred", resolution = "意见分歧，下次再议" });
            var waiting = await app.MeetingStepsDoneAsync(item, round);
            Assert.Equal("deferred", waiting.Status());
            Assert.Null(waiting["closedUtc"]);
        }

        await app.SettleAtMeetingAsync(item, new { outcome = "deferred", resolution = "仍未达成一致" });

        var escalated = await app.ItemReachesAsync(item, "escalated");
        Assert.True(escalated["escalated"]!.GetValue<bool>());
        using var client = await app.ClientForAsync(Chair);
        var points = new List<JsonObject>();
        foreach (var listed in (await client.GetFromJsonAsync<JsonArray>("/api/meetings"))!.OfType<JsonObject>())
        {
            var held = (await client.GetFromJsonAsync<JsonObject>($"/api/meetings/{listed.Id()}"))!;
            points.AddRange(held["agenda"]!.AsArray().OfType<JsonObject>().Where(p => p["itemId"]?.GetValue<Guid>() == item && !p["removed"]!.GetValue<bool>()));
        }

        Assert.Equal(["deferred", "deferred", "escalated"], points.Select(p => p["outcome"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var point = points.Single(p => p["outcome"]!.GetValue<string>() == "escalated");
        Assert.Equal(("escalated", 2), (point["outcome"]!.GetValue<string>(), point["earlierDeferrals"]!.GetValue<int>()));
        Assert.Contains("自动提交街道", point["resolution"]!.GetValue<string>());
    }

    [Fact]
    public async Task Each_member_has_one_ballot_however_often_it_is_sent_and_a_late_ballot_is_refused()
    {
        var decision = await DecisionWaitingAsync();
        var meeting = await app.OnlyAsync(await app.ScheduleAsync(), [decision]);
        var id = meeting.Id();
        await app.OpenWithAsync(id, present: 5);
        var vote = meeting.PointOf(decision).Id();
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{vote}/vote/open");

        // 50 ballots at once from the five members, each changing its mind several times; then each member's last word
        var choices = new[] { "for", "against", "abstain" };
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => app.VoteAsync(id, vote, i % 5, choices[i % 3])));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(m => app.VoteAsync(id, vote, m, m < 3 ? "for" : "against")));
        await Task.WhenAll(app.VoteAsync(id, vote, 4, "against"), app.VoteAsync(id, vote, 4, "against")); // a double click

        var tallied = (await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{vote}/vote/close", new { })).PointOf(decision);
        Assert.Equal((3, 2, 0, 5, "resolved"), (tallied["for"]!.GetValue<int>(), tallied["against"]!.GetValue<int>(), tallied["abstain"]!.GetValue<int>(),
            tallied["eligible"]!.GetValue<int>(), tallied["outcome"]!.GetValue<string>()));

        var late = await app.RefusedAsync(MeetingsKit.Members[0].User, $"/api/meetings/{id}/agenda/{vote}/ballots",
            new { choice = "against", organisationId = MeetingsKit.Members[0].Unit }, HttpStatusCode.Conflict, "meeting.vote-closed");
        Assert.Contains("表决已结束", late["detail"]!.GetValue<string>());
        await app.ItemReachesAsync(decision, "passed");
    }

    [Fact]
    public async Task A_ballot_is_taken_from_a_member_present_when_the_vote_opened_and_a_changed_one_moves_its_count()
    {
        var decision = await DecisionWaitingAsync();
        var meeting = await app.OnlyAsync(await app.ScheduleAsync(), [decision]);
        var id = meeting.Id();
        await app.OpenWithAsync(id, present: 3);
        var vote = meeting.PointOf(decision).Id();
        var ballots = $"/api/meetings/{id}/agenda/{vote}/ballots";
        var (user, unit) = MeetingsKit.Members[0];
        await app.RefusedAsync(user, ballots, new { choice = "for", organisationId = unit }, HttpStatusCode.Conflict, "meeting.vote-not-open");

        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{vote}/vote/open");
        await app.RefusedAsync(user, ballots, new { organisationId = unit }, HttpStatusCode.BadRequest, "validation");
        await app.RefusedAsync(user, $"/api/meetings/{id}/agenda/{Guid.NewGuid()}/ballots", new { choice = "for", organisationId = unit }, HttpStatusCode.NotFound, "not-found");
        await app.RefusedAsync(DemoUsers.OtherUnitContact, ballots, new { choice = "for" }, HttpStatusCode.NotFound, "not-found");
        await app.RefusedAsync(Chair, ballots, new { choice = "for" }, HttpStatusCode.Forbidden, "meeting.not-member");
        await app.RefusedAsync(user, ballots, new { choice = "for", organisationId = MeetingsKit.Members[1].Unit }, HttpStatusCode.Forbidden, "meeting.not-member");
        app.Time.Advance(TimeSpan.FromMinutes(30)); // the venue test books on the 30-minute grain of this shared clock
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/check-in", new { organisationId = MeetingsKit.Members[3].Unit });
        await app.RefusedAsync(MeetingsKit.Members[3].User, ballots, new { choice = "for", organisationId = MeetingsKit.Members[3].Unit }, HttpStatusCode.Conflict, "meeting.not-present");

        // each ballot answers the meeting with its new revision and the counts after it; a changed ballot moves its count
        using var chair = await app.ClientForAsync(Chair);
        var revision = (await chair.GetFromJsonAsync<JsonObject>($"/api/meetings/{id}"))!["revision"]!.GetValue<int>();
        var counts = new List<(int Revision, int For, int Against, int Abstain)>();
        foreach (var (member, choice) in new[] { (0, "for"), (1, "for"), (0, "against"), (2, "abstain"), (0, "against") })
        {
            var answer = await app.VoteAsync(id, vote, member, choice);
            var point = answer.PointOf(decision);
            counts.Add((answer["revision"]!.GetValue<int>() - revision, point["for"]!.GetValue<int>(), point["against"]!.GetValue<int>(), point["abstain"]!.GetValue<int>()));
        }

        Assert.Equal([(1, 1, 0, 0), (2, 2, 0, 0), (3, 1, 1, 0), (4, 1, 1, 1), (5, 1, 1, 1)], counts);
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var audit = (await admin.GetFromJsonAsync<JsonObject>($"/api/audit?entityId={id}&take=100"))!["entries"]!.AsArray().OfType<JsonObject>()
            .Where(e => e["action"]!.GetValue<string>() == "meeting.ballot-cast").Select(e => (JsonNode.Parse(e["before"]!.GetValue<string>())!, JsonNode.Parse(e["after"]!.GetValue<string>())!))
            .Where(e => e.Item1["organisationId"]!.GetValue<Guid>() == unit).Select(e => (e.Item1["choice"]?.GetValue<string>(), e.Item2["choice"]!.GetValue<string>()));
        Assert.Equal([(null, "for"), ("for", "against"), ("against", "against")], audit.Reverse());
    }

    [Fact]
    public async Task A_watcher_of_the_meeting_stream_sees_check_ins_and_each_tally_in_order()
    {
        var decision = await DecisionWaitingAsync();
        var meeting = await app.OnlyAsync(await app.ScheduleAsync(), [decision]);
        var id = meeting.Id();
        await app.OpenWithAsync(id, present: 3);
        var vote = meeting.PointOf(decision).Id();
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{vote}/vote/open");
        await app.VoteAsync(id, vote, 0, "for");
        await app.VoteAsync(id, vote, 1, "against");
        await app.VoteAsync(id, vote, 1, "for");

        using var client = await app.ClientForAsync(DemoUsers.UnitContact);
        var until = DateTime.UtcNow.AddSeconds(20);
        List<JsonObject> tallies;
        List<JsonObject> changes;
        do
        {
            var page = (await client.GetFromJsonAsync<JsonObject>($"/api/streams/meeting:{id}/events?after=0"))!;
            var events = page["events"]!.AsArray().OfType<JsonObject>().ToList();
            tallies = [.. events.Where(e => e["kind"]!.GetValue<string>() == "VoteTally").Select(e => e["data"]!.AsObject())];
            changes = [.. events.Where(e => e["kind"]!.GetValue<string>() == "MeetingChanged").Select(e => e["data"]!.AsObject())];
            Assert.Equal(Enumerable.Range(1, events.Count).Select(n => (long)n), events.Select(e => e["sequence"]!.GetValue<long>()));
        }
        while (tallies.Count < 4 && DateTime.UtcNow < until && await Task.Delay(50).ContinueWith(_ => true));

        // the stream may number two tallies out of commit order (two deliveries of one queue); their revision gives the order
        Assert.Equal([(0, 0), (1, 0), (1, 1), (2, 0)], tallies.OrderBy(t => t["revision"]!.GetValue<int>()).Select(t => (t["for"]!.GetValue<int>(), t["against"]!.GetValue<int>())));
        Assert.Equal(4, tallies.Select(t => t["revision"]!.GetValue<int>()).Distinct().Count());
        Assert.All(tallies, t => Assert.Equal(vote, t["voteId"]!.GetValue<Guid>()));
        Assert.Equal(3, changes.Count(c => c["change"]!.GetValue<string>() == "meeting.checked-in"));
        Assert.Equal(3, changes.Where(c => c["change"]!.GetValue<string>() == "meeting.checked-in").Max(c => c["present"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_meeting_in_a_shared_venue_books_it_and_moves_online_when_the_venue_goes_to_emergency_use()
    {
        var venue = DemoRegion.Resource(2).Value; // 桂花社区党建共享之家, shared by 桂花社区, the host
        object Request(string title) => new
        {
            allianceId = DemoRegion.CommunityAlliance(1).Value, kind = "adHoc", title,
            startsAt = app.Time.GetUtcNow().AddHours(1), endsAt = app.Time.GetUtcNow().AddHours(3), venueId = venue,
        };
        var meeting = await app.MeetingDoAsync(Chair, "/api/meetings", Request("在共享之家召开的联席会议"));
        var id = meeting.Id();
        Assert.Equal("桂花社区党建共享之家", meeting["location"]!.GetValue<string>());
        Assert.NotNull(meeting["bookingId"]);

        // the same venue at the same time: the booking route refuses it, and no meeting is created
        var before = (await (await app.ClientForAsync(Chair)).GetFromJsonAsync<JsonArray>("/api/meetings"))!.Count;
        await app.RefusedAsync(Chair, "/api/meetings", Request("撞车的会议"), HttpStatusCode.Conflict, "booking.slot-taken");
        Assert.Equal(before, (await (await app.ClientForAsync(Chair)).GetFromJsonAsync<JsonArray>("/api/meetings"))!.Count);

        // 平急转换 over the meeting's slot: the booking is cancelled, the meeting moves online and its members are told
        using (var switched = await app.SendAsync(Chair, HttpMethod.Post, $"/api/resources/{venue}/emergency", new
        {
            from = app.Time.GetUtcNow(), to = app.Time.GetUtcNow().AddHours(6), reason = "临时用作防汛物资转运点",
        }))
        {
            Assert.True(switched.IsSuccessStatusCode, await switched.Content.ReadAsStringAsync());
        }

        using var client = await app.ClientForAsync(DemoUsers.UnitContact);
        var until = DateTime.UtcNow.AddSeconds(20);
        JsonObject moved;
        do
        {
            moved = (await client.GetFromJsonAsync<JsonObject>($"/api/meetings/{id}"))!;
        }
        while (moved["bookingId"] is not null && DateTime.UtcNow < until && await Task.Delay(50).ContinueWith(_ => true));

        Assert.Null(moved["bookingId"]);
        Assert.Equal("改为线上召开（原场地「桂花社区党建共享之家」转为应急使用）", moved["location"]!.GetValue<string>());
        JsonObject? notice = null;
        while (notice is null && DateTime.UtcNow < until)
        {
            var page = (await client.GetFromJsonAsync<JsonObject>("/api/notifications?pageSize=100"))!;
            notice = page["items"]!.AsArray().OfType<JsonObject>().FirstOrDefault(n => n["topic"]!.GetValue<string>() == "meeting.moved" && n["subjectId"]?.GetValue<Guid>() == id);
            await Task.Delay(50);
        }

        Assert.NotNull(notice);
        Assert.True(notice["urgent"]!.GetValue<bool>());
        Assert.Contains("临时用作防汛物资转运点", notice["bodyZh"]!.GetValue<string>());
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/cancel", new { reason = "测试结束" });
    }

    [Fact]
    public async Task An_item_taken_off_the_agenda_can_be_put_back_by_hand_and_a_later_one_joins_by_refresh_while_the_agenda_is_collected()
    {
        var item = await DeliberationWaitingAsync("社区停车位共享议题");
        var meeting = await app.OnlyAsync(await app.ScheduleAsync(), [item]);
        var id = meeting.Id();
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{meeting.PointOf(item).Id()}/remove", new { reason = "材料待补充" });

        var back = await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda", new { itemId = item });

        Assert.Single(back["agenda"]!.AsArray().OfType<JsonObject>(), p => p["itemId"]?.GetValue<Guid>() == item && !p["removed"]!.GetValue<bool>());

        // an item that begins waiting after the meeting was scheduled joins it through 更新议题, the same way
        var later = await DeliberationWaitingAsync("社区垃圾分类督导议题");
        var refreshed = await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/refresh");
        Assert.Single(refreshed["agenda"]!.AsArray().OfType<JsonObject>(), p => p["itemId"]?.GetValue<Guid>() == later && !p["removed"]!.GetValue<bool>());
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/cancel", new { reason = "测试结束" });
    }

    [Fact]
    public async Task A_point_taken_off_during_the_meeting_does_not_keep_it_from_closing()
    {
        var item = await DeliberationWaitingAsync("社区文化墙改造议题");
        var meeting = await app.OnlyAsync(await app.ScheduleAsync(), [item]);
        var id = meeting.Id();
        await app.OpenWithAsync(id, present: 1);
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{meeting.ReviewPoint().Id()}/decide", new { outcome = "noted" });
        await app.RefusedAsync(Chair, $"/api/meetings/{id}/close", null, HttpStatusCode.Conflict, "meeting.points-open");

        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{meeting.PointOf(item).Id()}/remove", new { reason = "申请人撤回，下次再议" });
        await app.RefusedAsync(Chair, $"/api/meetings/{id}/agenda/{meeting.ReviewPoint().Id()}/remove", new { reason = "已听取" }, HttpStatusCode.Conflict, "meeting.point-decided");
        var closed = await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/close");
        Assert.Equal("closed", closed["status"]!.GetValue<string>());
        Assert.DoesNotContain("社区文化墙改造议题", closed["minutes"]!.GetValue<string>());
        Assert.Equal("awaiting-meeting", (await app.ItemAsync(Chair, item)).Status()); // it waits for the next meeting
    }

    [Fact]
    public async Task An_urgent_item_opens_an_online_meeting_within_hours_whose_notice_goes_out_at_once()
    {
        var urgent = await app.SubmitAsync(Chair, app.Item("urgent", "安全", days: 1, title: "暴雨致3栋地下室进水"));
        object Request(string kind, double hours) => new
        {
            allianceId = DemoRegion.CommunityAlliance(1).Value, kind, title = "急事会商：暴雨致3栋地下室进水",
            startsAt = app.Time.GetUtcNow().AddHours(hours), endsAt = app.Time.GetUtcNow().AddHours(hours + 1),
            location = "线上会议（腾讯会议 123-456-789）", urgentItemId = urgent,
        };
        var refused = await app.RefusedAsync(Chair, "/api/meetings", Request("adHoc", 30), HttpStatusCode.BadRequest, "validation");
        Assert.NotNull(refused["errors"]!["kind"]);
        Assert.NotNull(refused["errors"]!["startsAt"]);

        var meeting = await app.MeetingDoAsync(Chair, "/api/meetings", Request("online", 2));
        var id = meeting.Id();
        Assert.Equal("agendaFixed", meeting["status"]!.GetValue<string>());
        var point = Assert.Single(meeting["agenda"]!.AsArray().OfType<JsonObject>());
        Assert.Equal(("consultation", urgent), (point["kind"]!.GetValue<string>(), point["itemId"]!.GetValue<Guid>()));

        using var client = await app.ClientForAsync(DemoUsers.UnitContact);
        var until = DateTime.UtcNow.AddSeconds(20);
        JsonObject? notice = null;
        while (notice is null && DateTime.UtcNow < until)
        {
            var page = (await client.GetFromJsonAsync<JsonObject>("/api/notifications?pageSize=100"))!;
            notice = page["items"]!.AsArray().OfType<JsonObject>().FirstOrDefault(n => n["topic"]!.GetValue<string>() == "meeting.notice" && n["subjectId"]?.GetValue<Guid>() == id);
            await Task.Delay(50);
        }

        Assert.NotNull(notice);
        Assert.Contains("腾讯会议", notice["bodyZh"]!.GetValue<string>());
        await app.OpenWithAsync(id, present: 2);
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{point.Id()}/notes", new { notes = "物业与供电公司到场抽水，社区卫生服务中心负责消杀。" });
        await app.RefusedAsync(Chair, $"/api/meetings/{id}/agenda/{point.Id()}/decide", new { outcome = "resolved" }, HttpStatusCode.BadRequest, "validation");
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/agenda/{point.Id()}/decide", new { outcome = "noted" });
        var closed = await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/close");
        Assert.Contains("物业与供电公司到场抽水", closed["minutes"]!.GetValue<string>());
        Assert.Null((await app.ItemAsync(Chair, urgent))["closedUtc"]); // the urgent route goes on by its own steps
    }

    [Fact]
    public async Task Only_the_chair_runs_it_and_only_members_answer()
    {
        var meeting = await app.ScheduleAsync();
        var id = meeting.Id();
        await app.RefusedAsync(DemoUsers.UnitContact, $"/api/meetings/{id}/agenda/fix", null, HttpStatusCode.Forbidden, "meeting.not-chair");
        await app.RefusedAsync(Chair, $"/api/meetings/{id}/reply", new { reply = "attend" }, HttpStatusCode.Forbidden, "meeting.not-member");
        await app.RefusedAsync(DemoUsers.UnitContact, $"/api/meetings/{id}/reply", new { reply = "absent", organisationId = DemoRegion.Unit(1).Value },
            HttpStatusCode.BadRequest, "validation");
        await app.RefusedAsync(Chair, $"/api/meetings/{id}/open", null, HttpStatusCode.Conflict, "meeting.status");
        using var other = await app.SendAsync(DemoUsers.OtherUnitContact, HttpMethod.Get, $"/api/meetings/{id}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        await app.MeetingDoAsync(Chair, $"/api/meetings/{id}/cancel", new { reason = "改期" });
    }
}
