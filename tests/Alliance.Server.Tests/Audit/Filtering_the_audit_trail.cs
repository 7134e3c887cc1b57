using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Audit;

/// <summary>GET /api/audit?action=…: one action by its name, or a family of actions by its name and a dot (the 审计 page's filter).</summary>
public sealed class Filtering_the_audit_trail(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task A_family_of_actions_lists_only_its_own_entries_and_an_exact_action_only_itself()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        using var created = await admin.PostAsJsonAsync("/api/organisations", new { kind = "Street", name = "审计筛选街道", parentId = DemoRegion.District });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var street = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var withdrawn = await admin.PostAsJsonAsync($"/api/organisations/{street}/withdraw", new { reason = "测试" });
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);

        var family = await admin.GetFromJsonAsync<JsonElement>("/api/audit?action=organisation.&take=500");
        var exact = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?action=organisation.withdrawn&entityId={street}");
        var wildcard = await admin.GetFromJsonAsync<JsonElement>("/api/audit?action=%25.");

        var actions = family.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("organisation.created", actions);
        Assert.Contains("organisation.withdrawn", actions);
        Assert.All(actions, a => Assert.StartsWith("organisation.", a, StringComparison.Ordinal));
        Assert.Equal(["organisation.withdrawn"], exact.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Empty(wildcard.GetProperty("entries").EnumerateArray()); // "%" is a character, not a pattern
    }

    [Fact]
    public async Task Only_the_district_administrator_reads_the_filtered_trail()
    {
        using var chair = await app.ClientForAsync(DemoUsers.StreetChair);
        using var response = await chair.GetAsync("/api/audit?action=organisation.");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
