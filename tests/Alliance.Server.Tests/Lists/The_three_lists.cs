using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Commitments;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;

namespace Alliance.Server.Tests.Lists;

/// <summary>三张清单: needs raised by communities, resources ranked for a need as documented, projects starting a joint task.</summary>
public sealed class The_three_lists(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;
    private const string Hospital = "huanglijuan";

    /// <summary>09:00–11:00 (Asia/Shanghai) on the next Saturday at least two days ahead, in UTC.</summary>
    private (DateTime From, DateTime To) NextSaturdayMorning()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var local = TimeZoneInfo.ConvertTimeFromUtc(app.Time.GetUtcNow().UtcDateTime, zone).Date.AddDays(2);
        while (local.DayOfWeek != DayOfWeek.Saturday)
        {
            local = local.AddDays(1);
        }

        return (TimeZoneInfo.ConvertTimeToUtc(local.AddHours(9), zone), TimeZoneInfo.ConvertTimeToUtc(local.AddHours(11), zone));
    }

    private object Clinic(string category = "医疗", int headCount = 60)
    {
        var (from, to) = NextSaturdayMorning();
        return new
        {
            title = "老年居民健康义诊",
            category,
            description = "桂花社区约六十位老年居民希望在周六上午接受血压血糖检测和慢病咨询。",
            headCount,
            wantedFrom = new DateTimeOffset(from, TimeSpan.Zero),
            wantedTo = new DateTimeOffset(to, TimeSpan.Zero),
        };
    }

    private async Task<Guid> RaiseAsync(object body)
    {
        using var client = await app.ClientForAsync(Secretary);
        using var response = await client.PostAsJsonAsync("/api/needs", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private async Task<JsonArray> MatchesAsync(string user, Guid need)
    {
        using var client = await app.ClientForAsync(user);
        return (await client.GetFromJsonAsync<JsonObject>($"/api/needs/{need}/matches"))!["matches"]!.AsArray();
    }

    private static Guid Resource(int no) => DemoRegion.Resource(no).Value;

    [Fact]
    public async Task A_need_is_raised_by_a_community_with_every_field_checked_and_seen_by_its_alliance_only()
    {
        using (var unit = await app.ClientForAsync(DemoUsers.UnitContact))
        using (var notCommunity = await unit.PostAsJsonAsync("/api/needs", Clinic()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, notCommunity.StatusCode);
        }

        using (var secretary = await app.ClientForAsync(Secretary))
        using (var bad = await secretary.PostAsJsonAsync("/api/needs", new
        {
            title = "", category = "医疗", headCount = 0,
            wantedFrom = app.Time.GetUtcNow().AddDays(3), wantedTo = app.Time.GetUtcNow().AddDays(2),
        }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var errors = (await bad.ProblemAsync())["errors"]!.AsObject();
            foreach (var field in new[] { "title", "description", "headCount", "wantedTo" })
            {
                Assert.True(errors.ContainsKey(field), $"{field} should be named: {errors.ToJsonString()}");
            }
        }

        var need = await RaiseAsync(Clinic());
        foreach (var user in new[] { Secretary, DemoUsers.CommunityStaff, DemoUsers.UnitContact, Hospital, "guoqian", DemoUsers.StreetChair, DemoUsers.DistrictAdmin })
        {
            using var client = await app.ClientForAsync(user);
            using var response = await client.GetAsync($"/api/needs/{need}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{user} should see the need: {response.StatusCode}");
        }

        foreach (var user in new[] { DemoUsers.OtherCommunitySecretary, DemoUsers.OtherUnitContact, DemoUsers.OtherStreetChair, "zhoumin" })
        {
            using var client = await app.ClientForAsync(user);
            using var response = await client.GetAsync($"/api/needs/{need}");
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{user} should not see the need: {response.StatusCode}");
            using var matches = await client.GetAsync($"/api/needs/{need}/matches");
            Assert.Equal(HttpStatusCode.NotFound, matches.StatusCode);
        }
    }

    [Fact]
    public async Task Matches_are_ranked_by_category_place_capacity_and_availability_with_each_criterions_score_and_reason()
    {
        var need = await RaiseAsync(Clinic());

        var matches = await MatchesAsync(Secretary, need);

        // documented weights: category 40, place 30 (community) / 15 (street), capacity 20 (pro rata when short), availability 10
        var expected = new (int Resource, int Score, int Category, int Place, int Capacity, int Availability)[]
        {
            (5, 100, 40, 30, 20, 10), // 人民医院义诊: 医疗, unit of 桂花社区, 100 ≥ 60, open Saturday 08-12
            (4, 60, 0, 30, 20, 10),   // 实验小学礼堂: not 医疗, 300 seats, open at weekends
            (2, 53, 0, 30, 13, 10),   // 党建共享之家: 40 of 60 seats → 20 × 40 / 60 = 13, open Saturday 09-12
            (3, 50, 0, 30, 20, 0),    // 供电公司基地: open Tuesday and Thursday afternoons only
            (1, 40, 0, 30, 10, 0),    // 税务所活动室: 30 of 60 seats, weekdays only
        };
        Assert.Equal(expected.Select(e => Resource(e.Resource)), matches.Select(m => m!["resourceId"]!.GetValue<Guid>()));
        for (var i = 0; i < expected.Length; i++)
        {
            var m = matches[i]!;
            var criteria = m["criteria"]!.AsArray();
            Assert.Equal(expected[i].Score, m["score"]!.GetValue<int>());
            Assert.Equal(["category", "place", "capacity", "availability"], criteria.Select(c => c!["name"]!.GetValue<string>()));
            Assert.Equal([expected[i].Category, expected[i].Place, expected[i].Capacity, expected[i].Availability], criteria.Select(c => c!["score"]!.GetValue<int>()));
            Assert.All(criteria, c => Assert.False(string.IsNullOrWhiteSpace(c!["reasonZh"]!.GetValue<string>())));
        }

        Assert.Equal("类别相符：医疗", matches[0]!["criteria"]![0]!["reasonZh"]!.GetValue<string>());
        Assert.Equal("Capacity 40 is short of 60 people", matches[2]!["criteria"]![2]!["reasonEn"]!.GetValue<string>());

        // the district also sees 长青养老服务中心 in the other street: category 40 + capacity 20 = 60, ahead of the hall's 60 by its category
        var district = await MatchesAsync(DemoUsers.DistrictAdmin, need);
        Assert.Equal([Resource(5), Resource(9), Resource(4)], district.Take(3).Select(m => m!["resourceId"]!.GetValue<Guid>()));
        Assert.Equal([40, 0, 20, 0], district[1]!["criteria"]!.AsArray().Select(c => c!["score"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_wanted_period_of_several_days_counts_a_resource_available_when_one_of_its_slots_in_it_is_free()
    {
        var (saturday, _) = NextSaturdayMorning();
        var monday = saturday + TimeSpan.FromDays(2);
        object Safety(DateTime from, DateTime to) => new
        {
            title = "用电安全宣讲", category = "安全", description = "为居民讲解家庭用电安全。", headCount = 20,
            wantedFrom = new DateTimeOffset(from, TimeSpan.Zero), wantedTo = new DateTimeOffset(to, TimeSpan.Zero),
        };

        // 供电公司基地 opens Tuesday and Thursday 14:00-17:00 only
        var mondayMorning = await MatchesAsync(Secretary, await RaiseAsync(Safety(monday, monday + TimeSpan.FromHours(2))));
        var fortnight = await MatchesAsync(Secretary, await RaiseAsync(Safety(monday, monday + TimeSpan.FromDays(14))));

        var once = mondayMorning.Single(m => m!["resourceId"]!.GetValue<Guid>() == Resource(3))!;
        var span = fortnight.Single(m => m!["resourceId"]!.GetValue<Guid>() == Resource(3))!;
        Assert.Equal(90, once["score"]!.GetValue<int>());
        Assert.False(once["criteria"]![3]!["met"]!.GetValue<bool>());
        Assert.Equal(100, span["score"]!.GetValue<int>());
        Assert.Equal(Resource(3), fortnight[0]!["resourceId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task The_demo_needs_are_listed_for_their_community_and_the_demo_drafts_for_their_units_only()
    {
        using var secretary = await app.ClientForAsync(Secretary);
        var needs = (await secretary.GetFromJsonAsync<JsonArray>($"/api/needs?community={DemoRegion.Community(1).Value}"))!;
        Assert.Contains(needs, n => n!["id"]!.GetValue<Guid>() == DemoRegion.Need(1).Value && n["status"]!.GetValue<string>() == "open");
        Assert.Equal(Resource(5), (await MatchesAsync(Secretary, DemoRegion.Need(1).Value))[0]!["resourceId"]!.GetValue<Guid>());

        var draft = await app.CommitmentAsync(DemoUsers.UnitContact, DemoRegion.Commitment(1).Value);
        Assert.Equal("draft", draft["status"]!.GetValue<string>());
        using var hidden = await app.GetCommitmentResponseAsync(Secretary, DemoRegion.Commitment(1).Value);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    [Fact]
    public async Task A_resource_whose_slot_is_held_by_a_booking_is_not_available_for_the_need()
    {
        var (saturday, end) = NextSaturdayMorning();
        var (from, to) = (saturday + TimeSpan.FromDays(14), end + TimeSpan.FromDays(14));
        var need = await RaiseAsync(new
        {
            title = "老年人健身操", category = "养老", description = "老年居民希望在周六上午学习健身操。", headCount = 30,
            wantedFrom = new DateTimeOffset(from, TimeSpan.Zero), wantedTo = new DateTimeOffset(to, TimeSpan.Zero),
        });
        static int Availability(JsonArray matches) =>
            matches.Single(m => m!["resourceId"]!.GetValue<Guid>() == Resource(2))!["criteria"]![3]!["score"]!.GetValue<int>();
        Assert.Equal(10, Availability(await MatchesAsync(Secretary, need)));

        // 党建共享之家 is exclusive: a pending request for 09:00-10:00 holds part of the wanted slot
        using var unit = await app.ClientForAsync(DemoUsers.UnitContact);
        using var booked = await unit.PostAsJsonAsync($"/api/resources/{Resource(2)}/bookings", new
        {
            start = new DateTimeOffset(from, TimeSpan.Zero), end = new DateTimeOffset(from + TimeSpan.FromHours(1), TimeSpan.Zero),
            purpose = "主题党日", headCount = 20,
        });
        Assert.True(booked.IsSuccessStatusCode, await booked.Content.ReadAsStringAsync());

        Assert.Equal(0, Availability(await MatchesAsync(Secretary, need)));
    }

    [Fact]
    public async Task A_project_matches_the_need_with_resources_and_starts_a_joint_task_for_the_providing_unit()
    {
        var need = await RaiseAsync(Clinic());
        using var secretary = await app.ClientForAsync(Secretary);
        using (var communityOwned = await secretary.PostAsJsonAsync($"/api/needs/{need}/projects", new { resourceIds = new[] { Resource(2) } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, communityOwned.StatusCode);
            Assert.NotNull((await communityOwned.ProblemAsync())["errors"]!["resourceIds"]);
        }

        using (var twoUnits = await secretary.PostAsJsonAsync($"/api/needs/{need}/projects", new { resourceIds = new[] { Resource(5), Resource(4) } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, twoUnits.StatusCode);
            Assert.NotNull((await twoUnits.ProblemAsync())["errors"]!["providerUnitId"]);
        }

        using (var unseen = await secretary.PostAsJsonAsync($"/api/needs/{need}/projects", new { resourceIds = new[] { Resource(9) } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unseen.StatusCode);
        }

        using (var member = await app.ClientForAsync(Hospital))
        using (var notCommunity = await member.PostAsJsonAsync($"/api/needs/{need}/projects", new { resourceIds = new[] { Resource(5) } }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, notCommunity.StatusCode);
        }

        using var started = await secretary.PostAsJsonAsync($"/api/needs/{need}/projects",
            new { resourceIds = new[] { Resource(5), Resource(2) }, title = "老年居民健康义诊（人民医院）" });
        Assert.True(started.StatusCode == HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        var project = (await started.Content.ReadFromJsonAsync<JsonObject>())!;
        var item = project["itemId"]!.GetValue<Guid>();
        Assert.Equal(DemoRegion.Unit(2).Value, project["providerUnitId"]!.GetValue<Guid>());
        Assert.Equal(2, project["resources"]!.AsArray().Count);

        var joint = await app.ItemAsync(Secretary, item);
        Assert.Equal("jointTask", joint["kind"]!.GetValue<string>());
        Assert.Equal(DemoRegion.Unit(2).Value, joint["designatedUnitId"]!.GetValue<Guid>());
        Assert.Contains("ProjectStarted", joint.Events());
        var serving = await secretary.GetFromJsonAsync<JsonObject>($"/api/needs/{need}");
        Assert.Equal("serving", serving!["status"]!.GetValue<string>());
        Assert.Equal(item, serving["projects"]![0]!["itemId"]!.GetValue<Guid>());
        using (var provider = await app.ClientForAsync(Hospital))
        {
            var projects = await provider.GetFromJsonAsync<JsonArray>("/api/projects");
            Assert.Contains(projects!, p => p!["itemId"]!.GetValue<Guid>() == item);
        }

        await app.DoAsync(Hospital, item, "claim", "accept");
        await app.DoAsync(Hospital, item, "work", "done", fields: new { report = "义诊完成，服务62人", evidence = "签到表" });
        await app.DoAsync(Secretary, item, "verify", "satisfied");

        var served = await secretary.GetFromJsonAsync<JsonObject>($"/api/needs/{need}");
        Assert.Equal("served", served!["status"]!.GetValue<string>());
        Assert.True(served["projects"]![0]!["closed"]!.GetValue<bool>());
        await app.AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await app.EventCountAsync(item, "ProjectStarted"));
    }
}
