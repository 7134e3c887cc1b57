using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;

namespace Alliance.Server.Tests.Commitments;

/// <summary>共驻共建承诺: drafting, confirmation or return and resubmission, publication (公示) and who sees what, the figures.</summary>
public sealed class A_commitment(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Unit = DemoUsers.UnitContact;
    private const string Secretary = DemoUsers.CommunitySecretary;
    private const string OtherMemberUnit = "huanglijuan";
    private const string MemberFromElsewhere = "guoqian";

    [Fact]
    public async Task A_draft_with_missing_or_bad_fields_is_refused_naming_each_field()
    {
        using var client = await app.ClientForAsync(Unit);
        using var response = await client.PostAsJsonAsync("/api/commitments", new
        {
            allianceId = DemoRegion.CommunityAlliance(1).Value,
            year = app.Year() - 1,
            title = "",
            category = "场地",
            targetQuantity = -3,
            schedule = "每月",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ProblemAsync())["errors"]!.AsObject();
        foreach (var field in new[] { "year", "title", "targetQuantity", "targetUnit", "responsiblePerson" })
        {
            Assert.True(errors.ContainsKey(field), $"{field} should be named: {errors.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Only_a_member_unit_of_the_alliance_may_commit_and_an_unseen_alliance_is_unknown()
    {
        using var secretary = await app.ClientForAsync(Secretary);
        using var notAUnit = await secretary.PostAsJsonAsync("/api/commitments", CommitmentsKit.Commitment(app.Year()));
        using var outsider = await app.ClientForAsync(DemoUsers.OtherUnitContact);
        using var unseen = await outsider.PostAsJsonAsync("/api/commitments", CommitmentsKit.Commitment(app.Year()));

        Assert.Equal(HttpStatusCode.Forbidden, notAUnit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unseen.StatusCode);
        Assert.NotNull((await unseen.ProblemAsync())["errors"]!["allianceId"]);
    }

    [Fact]
    public async Task A_confirmed_commitment_is_published_to_every_member_and_announced_once()
    {
        var draft = await app.DraftAsync(Unit, CommitmentsKit.Commitment(app.Year()));
        var id = draft["id"]!.GetValue<Guid>();
        Assert.Equal("draft", draft["status"]!.GetValue<string>());
        await AssertSeenAsync(id, seen: [Unit, DemoUsers.UnitSecretary, DemoUsers.DistrictAdmin], unseen: [Secretary, OtherMemberUnit, DemoUsers.StreetChair]);

        var submitted = await app.SubmitCommitmentAsync(Unit, id);
        var item = submitted["itemId"]!.GetValue<Guid>();
        Assert.Equal("submitted", submitted["status"]!.GetValue<string>());
        await AssertSeenAsync(id, seen: [Unit, Secretary, DemoUsers.StreetChair], unseen: [OtherMemberUnit, MemberFromElsewhere, DemoUsers.OtherStreetChair]);
        using (var again = await app.PostAsync(Unit, $"/api/commitments/{id}/submit"))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        var review = await app.TaskAsync(Secretary, item, "review");
        Assert.Equal("commitment", review["itemKind"]!.GetValue<string>());
        await app.CompleteAsync(Secretary, review["id"]!.GetValue<Guid>(), "confirm");

        var confirmed = await app.CommitmentAsync(OtherMemberUnit, id);
        Assert.Equal("confirmed", confirmed["status"]!.GetValue<string>());
        Assert.True(confirmed["published"]!.GetValue<bool>());
        Assert.NotNull(confirmed["confirmedUtc"]);
        await AssertSeenAsync(id, seen: [OtherMemberUnit, MemberFromElsewhere, DemoUsers.SeveralRoles, Secretary],
            unseen: [DemoUsers.OtherUnitContact, DemoUsers.OtherCommunitySecretary, DemoUsers.OtherStreetChair]);
        using (var member = await app.ClientForAsync(MemberFromElsewhere))
        {
            var list = await member.GetFromJsonAsync<JsonArray>($"/api/commitments?alliance={DemoRegion.CommunityAlliance(1).Value}");
            Assert.Contains(list!, c => c!["id"]!.GetValue<Guid>() == id);
        }

        using (var edit = await (await app.ClientForAsync(Unit)).PutAsJsonAsync($"/api/commitments/{id}", CommitmentsKit.Commitment(app.Year(), target: 1)))
        {
            Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
        }

        await app.AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await app.EventCountAsync(item, "CommitmentConfirmed"));
    }

    [Fact]
    public async Task A_returned_commitment_carries_the_reason_and_the_unit_revises_and_resubmits_it()
    {
        var id = (await app.DraftAsync(Unit, CommitmentsKit.Commitment(app.Year(), title: "志愿服务进社区", target: 2, unit: "场")))["id"]!.GetValue<Guid>();
        var item = (await app.SubmitCommitmentAsync(Unit, id))["itemId"]!.GetValue<Guid>();
        var review = await app.TaskAsync(Secretary, item, "review");
        using (var noReason = await app.PostAsync(Secretary, $"/api/tasks/{review["id"]}/complete", new { outcome = "return" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        }

        await app.CompleteAsync(Secretary, review["id"]!.GetValue<Guid>(), "return", "目标偏低，请提高到每季度至少一场");
        var returned = await app.CommitmentAsync(Unit, id);
        Assert.Equal("returned", returned["status"]!.GetValue<string>());
        Assert.Equal("目标偏低，请提高到每季度至少一场", returned["returnReason"]!.GetValue<string>());
        using (var other = await app.GetCommitmentResponseAsync(OtherMemberUnit, id))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        using (var unit = await app.ClientForAsync(Unit))
        using (var edit = await unit.PutAsJsonAsync($"/api/commitments/{id}", CommitmentsKit.Commitment(app.Year(), title: "志愿服务进社区", target: 4, unit: "场")))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        var resubmitted = await app.SubmitCommitmentAsync(Unit, id);
        Assert.Equal("submitted", resubmitted["status"]!.GetValue<string>());
        Assert.Equal(4m, resubmitted["targetQuantity"]!.GetValue<decimal>());
        await app.DoAsync(Secretary, item, "review", "confirm");

        Assert.Equal("confirmed", (await app.CommitmentAsync(Unit, id))["status"]!.GetValue<string>());
        Assert.Equal(1, await app.EventCountAsync(item, "CommitmentConfirmed"));
    }

    [Fact]
    public async Task The_figures_count_published_commitments_per_alliance_and_year()
    {
        var year = app.Year();
        using var district = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var before = (await district.GetFromJsonAsync<JsonObject>($"/api/commitments/figures?alliance={DemoRegion.CommunityAlliance(1).Value}&year={year}"))!;
        var count = before["commitments"]!.GetValue<int>();
        await app.ConfirmedAsync(DemoUsers.SeveralRoles, CommitmentsKit.Commitment(year, title: "安全用电进社区宣传", target: 4, unit: "场"));
        await app.DraftAsync(OtherMemberUnit, CommitmentsKit.Commitment(year, title: "义诊", target: 4, unit: "场"));

        var after = (await district.GetFromJsonAsync<JsonObject>($"/api/commitments/figures?alliance={DemoRegion.CommunityAlliance(1).Value}&year={year}"))!;
        var row = Assert.Single(after["alliances"]!.AsArray())!;
        Assert.Equal(count + 1, after["commitments"]!.GetValue<int>());
        Assert.Equal($"承诺共建事项 {count + 1} 项", row["line"]!.GetValue<string>());
        var nextYear = (await district.GetFromJsonAsync<JsonObject>($"/api/commitments/figures?alliance={DemoRegion.CommunityAlliance(1).Value}&year={year + 1}"))!;
        Assert.Equal(0, nextYear["commitments"]!.GetValue<int>());
        using var outsider = await app.ClientForAsync(DemoUsers.OtherCommunitySecretary);
        using var hidden = await outsider.GetAsync($"/api/commitments/figures?alliance={DemoRegion.CommunityAlliance(1).Value}&year={year}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    [Fact]
    public async Task A_commitment_cannot_be_raised_as_a_plain_item()
    {
        using var client = await app.ClientForAsync(Secretary);
        using var response = await client.PostAsJsonAsync("/api/items", new
        {
            kind = "commitment", title = "承诺", description = "x", category = "场地", allianceId = DemoRegion.CommunityAlliance(1).Value,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.ProblemAsync())["errors"]!["kind"]);
    }

    private async Task AssertSeenAsync(Guid id, string[] seen, string[] unseen)
    {
        foreach (var user in seen)
        {
            using var response = await app.GetCommitmentResponseAsync(user, id);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{user} should see the commitment: {response.StatusCode}");
        }

        foreach (var user in unseen)
        {
            using var response = await app.GetCommitmentResponseAsync(user, id);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{user} should not see the commitment: {response.StatusCode}");
        }
    }
}
