using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Admin;

public sealed class The_admin_api(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task Validation_names_each_bad_field_in_chinese_and_english()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        using var response = await admin.PostAsJsonAsync("/api/organisations", new { kind = "Unit", name = "", serviceCategories = new[] { " " } });
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["name", "parentId", "serviceCategories", "unitType"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.All(errors.EnumerateObject(), e =>
        {
            Assert.False(string.IsNullOrEmpty(e.Value.GetProperty("zh-CN").GetString()));
            Assert.False(string.IsNullOrEmpty(e.Value.GetProperty("en").GetString()));
        });
        Assert.Equal("请填写名称。", errors.GetProperty("name").GetProperty("zh-CN").GetString());
        Assert.Equal("The name is required.", errors.GetProperty("name").GetProperty("en").GetString());
    }

    [Fact]
    public async Task The_openapi_document_describes_ids_and_thresholds_as_the_strings_they_are()
    {
        using var client = app.CreateClient();
        var schemas = (await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("components").GetProperty("schemas");
        Assert.Equal("uuid", schemas.GetProperty("OrganisationId").GetProperty("format").GetString());
        Assert.Equal("string", schemas.GetProperty("AllianceId").GetProperty("type").GetString());
        Assert.Equal("string", schemas.GetProperty("Threshold").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_community_secretary_adds_a_unit_to_their_community_and_sees_it()
    {
        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        using var created = await secretary.PostAsJsonAsync("/api/organisations", new
        {
            kind = "Unit", name = "桂花书院", parentId = DemoRegion.Community(1), unitType = "SocialOrganisation",
            serviceCategories = new[] { "教育", "文体" }, address = "江滨区东湖街道桂花路30号",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var unit = await created.Content.ReadFromJsonAsync<JsonElement>();

        var mine = await secretary.GetFromJsonAsync<JsonElement>($"/api/organisations?parentId={DemoRegion.Community(1)}");
        Assert.Contains(mine.EnumerateArray(), o => o.GetProperty("id").GetGuid() == unit.GetProperty("id").GetGuid());

        using var otherStreet = await app.ClientForAsync(DemoUsers.OtherStreetChair);
        using var hidden = await otherStreet.GetAsync(created.Headers.Location);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    [Fact]
    public async Task A_parent_out_of_scope_is_a_field_error_worded_like_a_missing_one()
    {
        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        async Task<string?> ParentErrorAsync(Guid parent)
        {
            using var response = await secretary.PostAsJsonAsync("/api/organisations", new { kind = "Unit", name = "某单位", parentId = parent, unitType = "School" });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("parentId").GetProperty("en").GetString();
        }

        Assert.Equal(await ParentErrorAsync(Guid.NewGuid()), await ParentErrorAsync(DemoRegion.Community(4).Value));
    }

    [Fact]
    public async Task Staff_see_their_community_but_may_not_add_to_it()
    {
        using var staff = await app.ClientForAsync(DemoUsers.CommunityStaff);
        using var response = await staff.PostAsJsonAsync("/api/organisations", new { kind = "Unit", name = "某单位", parentId = DemoRegion.Community(1), unitType = "School" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("scope.not-administrator", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_withdrawn_organisation_stays_readable_with_its_state()
    {
        using var chair = await app.ClientForAsync(DemoUsers.StreetChair);
        using var created = await chair.PostAsJsonAsync("/api/organisations", new { kind = "Unit", name = "临时共建点", parentId = DemoRegion.Community(2), unitType = "PrivateEnterprise" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var withdrawn = await chair.PostAsJsonAsync($"/api/organisations/{id}/withdraw", new { reason = "迁出辖区" });
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        var read = await chair.GetFromJsonAsync<JsonElement>($"/api/organisations/{id}");
        Assert.Equal("Withdrawn", read.GetProperty("status").GetString());

        using var again = await chair.PostAsJsonAsync($"/api/organisations/{id}/withdraw", new { reason = "再次" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_membership_ends_but_is_never_deleted()
    {
        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var alliance = DemoRegion.CommunityAlliance(1);
        using var added = await secretary.PostAsJsonAsync($"/api/alliances/{alliance}/memberships", new { organisationId = DemoRegion.Unit(4), since = "2026-03-01" });
        Assert.Equal(HttpStatusCode.Conflict, added.StatusCode); // 东湖实验小学 is already a member

        using var created = await secretary.PostAsJsonAsync("/api/organisations", new { kind = "Unit", name = "桂花便民服务站", parentId = DemoRegion.Community(1), unitType = "SocialOrganisation" });
        var unit = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var joined = await secretary.PostAsJsonAsync($"/api/alliances/{alliance}/memberships", new { organisationId = unit, since = "2026-03-01" });
        Assert.Equal(HttpStatusCode.Created, joined.StatusCode);
        var membership = (await joined.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var badEnd = await secretary.PostAsJsonAsync($"/api/alliances/{alliance}/memberships/{membership}/end", new { until = "2026-01-01" });
        Assert.Equal(HttpStatusCode.BadRequest, badEnd.StatusCode);
        using var ended = await secretary.PostAsJsonAsync($"/api/alliances/{alliance}/memberships/{membership}/end", new { until = "2026-06-30" });
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);

        var members = await secretary.GetFromJsonAsync<JsonElement>($"/api/alliances/{alliance}/memberships");
        var row = members.EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == membership);
        Assert.Equal("Ended", row.GetProperty("status").GetString());
        Assert.Equal("2026-06-30", row.GetProperty("until").GetString());
    }

    [Fact]
    public async Task A_part_time_member_must_hold_that_role_for_the_member()
    {
        using var chair = await app.ClientForAsync(DemoUsers.StreetChair);
        var alliance = DemoRegion.StreetAlliance(1);
        var membership = DemoRegion.Membership(alliance, DemoRegion.Unit(1));
        using var wrong = await chair.PutAsJsonAsync($"/api/alliances/{alliance}/memberships/{membership}",
            new { partTimeMemberId = DemoRegion.Person(DemoUsers.UnitContact), since = "2024-01-01" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var errors = (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("partTimeMemberId", out _));

        using var right = await chair.PutAsJsonAsync($"/api/alliances/{alliance}/memberships/{membership}",
            new { partTimeMemberId = DemoRegion.Person(DemoUsers.PartTimeMember), since = "2024-01-01" });
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("高建华", (await right.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("partTimeMemberName").GetString());
    }

    [Fact]
    public async Task Rules_of_procedure_are_settings_and_bad_ones_are_named()
    {
        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var url = $"/api/alliances/{DemoRegion.CommunityAlliance(1)}/rules";
        var rules = await secretary.GetFromJsonAsync<Dictionary<string, JsonElement>>(url);
        Assert.Equal("7.00:00:00", rules!["opinionWindow"].GetString());
        Assert.Equal(">1/2", rules["quorum"].GetString());
        Assert.Equal(">=2/3", rules["qualifiedPassThreshold"].GetString());
        Assert.Equal("0 9 5 * *", rules["meetingSchedule"].GetString());
        Assert.Equal(2, rules["maxReworks"].GetInt32());
        Assert.Equal("08:00:00", rules["urgentTaskDeadline"].GetString());

        var changed = new Dictionary<string, object?>(rules.Select(r => KeyValuePair.Create(r.Key, (object?)r.Value)))
        {
            ["opinionWindow"] = "5.00:00:00",
            ["quorum"] = ">=2/3",
        };
        using var ok = await secretary.PutAsJsonAsync(url, changed);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(">=2/3", (await secretary.GetFromJsonAsync<JsonElement>(url)).GetProperty("quorum").GetString());

        changed["claimWindow"] = "-1.00:00:00";
        changed["meetingSchedule"] = "every monday";
        changed["maxReworks"] = -1;
        changed["urgentTaskDeadline"] = "00:30:00";
        using var bad = await secretary.PutAsJsonAsync(url, changed);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["claimWindow", "maxReworks", "meetingSchedule", "urgentTaskDeadline"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_agreement_is_cancelled_not_deleted_and_then_cannot_be_amended()
    {
        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        using var created = await secretary.PostAsJsonAsync("/api/agreements", new
        {
            communityId = DemoRegion.Community(1), unitId = DemoRegion.Unit(3), title = "桂花社区与国网江滨供电公司社区服务合作协议",
            periodStart = "2026-01-01", periodEnd = "2026-12-31", scope = "用电安全宣传", text = "协议正文",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var agreement = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = agreement.GetProperty("id").GetGuid();

        using var unit = await app.ClientForAsync(DemoUsers.SeveralRoles);
        Assert.Equal(HttpStatusCode.OK, (await unit.GetAsync($"/api/agreements/{id}")).StatusCode);
        using var otherUnit = await app.ClientForAsync(DemoUsers.UnitContact);
        Assert.Equal(HttpStatusCode.NotFound, (await otherUnit.GetAsync($"/api/agreements/{id}")).StatusCode);

        using var noReason = await secretary.PostAsJsonAsync($"/api/agreements/{id}/cancel", new { reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        using var cancelled = await secretary.PostAsJsonAsync($"/api/agreements/{id}/cancel", new { reason = "合作内容并入新协议" });
        Assert.Equal("Cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        using var amend = await secretary.PutAsJsonAsync($"/api/agreements/{id}", new { title = "新", periodStart = "2026-01-01", periodEnd = "2026-12-31", scope = "x", text = "y" });
        Assert.Equal(HttpStatusCode.Conflict, amend.StatusCode);
    }

    [Fact]
    public async Task A_new_person_gets_a_role_signs_in_and_loses_access_when_it_is_revoked()
    {
        using var chair = await app.ClientForAsync(DemoUsers.StreetChair);
        using var weak = await chair.PostAsJsonAsync("/api/people", new
        {
            userName = "newcontact", displayName = "新联络员", password = "short",
            grants = new[] { new { role = "UnitContact", organisationId = DemoRegion.Unit(5) } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        var passwordError = (await weak.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("password");
        Assert.Contains("密码至少 10 位。", passwordError.GetProperty("zh-CN").GetString(), StringComparison.Ordinal);
        Assert.Contains("at least 10 characters", passwordError.GetProperty("en").GetString(), StringComparison.Ordinal);

        using var districtRole = await chair.PostAsJsonAsync("/api/people", new
        {
            userName = "newadmin", displayName = "新管理员", password = "Strong#Pass2026",
            grants = new[] { new { role = "DistrictAdmin", organisationId = DemoRegion.District } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, districtRole.StatusCode); // the district is not in a street chair's scope

        using var created = await chair.PostAsJsonAsync("/api/people", new
        {
            userName = "newcontact", displayName = "新联络员", password = "Strong#Pass2026",
            grants = new[] { new { role = "UnitContact", organisationId = DemoRegion.Unit(5) } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var person = await created.Content.ReadFromJsonAsync<JsonElement>();
        var grantId = person.GetProperty("grants")[0].GetProperty("id").GetGuid();

        using var newcomer = app.CreateClient();
        var token = await app.TokenForAsync("newcontact", "Strong#Pass2026");
        newcomer.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await newcomer.GetAsync($"/api/organisations/{DemoRegion.Unit(5)}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await newcomer.GetAsync($"/api/organisations/{DemoRegion.Unit(6)}")).StatusCode);

        using var revoked = await chair.PostAsync($"/api/people/{person.GetProperty("id").GetGuid()}/grants/{grantId}/revoke", null);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await newcomer.GetAsync($"/api/organisations/{DemoRegion.Unit(5)}")).StatusCode);
    }

    [Fact]
    public async Task A_person_changes_their_own_password_and_the_old_one_stops_working()
    {
        const string user = "xieyuxin";
        using var self = await app.ClientForAsync(user);
        using var wrong = await self.PostAsJsonAsync("/api/auth/password", new { currentPassword = "Not#ThePassword1", newPassword = "weak" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var errors = (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["currentPassword", "newPassword"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));

        using var changed = await self.PostAsJsonAsync("/api/auth/password", new { currentPassword = DemoUsers.Password, newPassword = "Library#Card2026" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = user, password = DemoUsers.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = user, password = "Library#Card2026" })).StatusCode);
    }

    [Fact]
    public async Task An_administrator_resets_a_password_within_their_scope_only()
    {
        const string user = "dongjianjun"; // contact of 江滨区第二中学, in 东湖街道
        using var otherStreet = await app.ClientForAsync(DemoUsers.OtherStreetChair);
        using var hidden = await otherStreet.PostAsJsonAsync($"/api/people/{DemoRegion.Person(user)}/password", new { newPassword = "School#Two2026" });
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);

        using var staff = await app.ClientForAsync(DemoUsers.StreetStaff);
        using var refused = await staff.PostAsJsonAsync($"/api/people/{DemoRegion.Person(user)}/password", new { newPassword = "School#Two2026" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var chair = await app.ClientForAsync(DemoUsers.StreetChair);
        using var reset = await chair.PostAsJsonAsync($"/api/people/{DemoRegion.Person(user)}/password", new { newPassword = "School#Two2026" });
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);

        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = user, password = "School#Two2026" })).StatusCode);

        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var entry = (await admin.GetFromJsonAsync<JsonElement>($"/api/audit?entityId={DemoRegion.Person(user)}")).GetProperty("entries").EnumerateArray().First();
        Assert.Equal("person.password-reset", entry.GetProperty("action").GetString());
        Assert.DoesNotContain("School#Two2026", entry.GetProperty("after").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_district_admin_grants_the_district_admin_role()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        using var granted = await admin.PostAsJsonAsync($"/api/people/{DemoRegion.Person(DemoUsers.StreetStaff)}/grants",
            new { role = "CommunityStaff", organisationId = DemoRegion.Community(2) });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);

        using var mismatch = await admin.PostAsJsonAsync($"/api/people/{DemoRegion.Person(DemoUsers.StreetStaff)}/grants",
            new { role = "StreetChair", organisationId = DemoRegion.Community(2) });
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.True((await mismatch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("role", out _));

        using var chair = await app.ClientForAsync(DemoUsers.StreetChair);
        using var duplicate = await chair.PostAsJsonAsync($"/api/people/{DemoRegion.Person(DemoUsers.StreetStaff)}/grants",
            new { role = "CommunityStaff", organisationId = DemoRegion.Community(2) });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }
}
