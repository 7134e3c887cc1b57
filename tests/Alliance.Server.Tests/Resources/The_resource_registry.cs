using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Resources;

public sealed class The_resource_registry(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private static object Room(Guid owner, string name = "税务所小会议室") => new
    {
        ownerId = owner,
        kind = "venue",
        venueType = "activityRoom",
        name,
        description = "十二座小会议室，可用于小型议事会。",
        categories = new[] { "场地", "法律" },
        capacity = 12,
        exclusive = true,
        openingHours = new[]
        {
            new { day = "Monday", from = "09:00", to = "12:00" },
            new { day = "Monday", from = "14:00", to = "17:00" },
        },
        exceptions = new[] { new { date = "2026-05-01", closed = true, periods = (object[]?)null, note = "劳动节" } },
        suitableGroups = new[] { "党员" },
    };

    [Fact]
    public async Task A_unit_contact_registers_a_venue_shared_through_its_community_alliance()
    {
        using var unit = await app.ClientForAsync(DemoUsers.UnitContact);
        using var created = await unit.PostAsJsonAsync("/api/resources", Room(DemoRegion.Unit(1).Value));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(DemoRegion.CommunityAlliance(1).Value, body.GetProperty("allianceId").GetGuid());
        Assert.Equal(DemoRegion.Street(1).Value, body.GetProperty("streetId").GetGuid());
        Assert.Equal("venue", body.GetProperty("kind").GetString());
        Assert.True(body.GetProperty("requiresApproval").GetBoolean());
        Assert.Contains("桂花路18号", body.GetProperty("address").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, body.GetProperty("openingHours").GetArrayLength());

        // the community's secretary finds it; another street's chair does not even learn it exists
        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var found = await secretary.GetFromJsonAsync<JsonElement>("/api/resources?q=小会议室");
        Assert.Contains(found.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == body.GetProperty("id").GetGuid());
        using var other = await app.ClientForAsync(DemoUsers.OtherStreetChair);
        using var hidden = await other.GetAsync(created.Headers.Location);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        var otherList = await other.GetFromJsonAsync<JsonElement>("/api/resources?q=小会议室");
        Assert.Equal(0, otherList.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Bad_input_names_every_field_in_both_languages()
    {
        using var unit = await app.ClientForAsync(DemoUsers.UnitContact);
        using var response = await unit.PostAsJsonAsync("/api/resources", new
        {
            ownerId = DemoRegion.Unit(1).Value,
            kind = "spaceship",
            name = "",
            description = "x",
            categories = Array.Empty<string>(),
            capacity = 0,
            slotMinutes = 7,
            openingHours = new[] { new { day = "Monday", from = "17:00", to = "09:00" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(
            ["capacity", "categories", "exclusive", "kind", "name", "openingHours[0]", "slotMinutes"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.All(errors.EnumerateObject(), e => Assert.False(string.IsNullOrEmpty(e.Value.GetProperty("en").GetString())));
    }

    [Fact]
    public async Task Only_the_owner_or_its_administrators_may_edit_and_every_edit_is_audited()
    {
        using var unit = await app.ClientForAsync(DemoUsers.UnitContact);
        using var created = await unit.PostAsJsonAsync("/api/resources", Room(DemoRegion.Unit(1).Value, "税务所二号会议室"));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // another unit of the same alliance sees it but may not edit it
        using var neighbour = await app.ClientForAsync(DemoUsers.SeveralRoles);
        Assert.Equal(HttpStatusCode.OK, (await neighbour.GetAsync($"/api/resources/{id}")).StatusCode);
        using var refused = await neighbour.PutAsJsonAsync($"/api/resources/{id}", Room(DemoRegion.Unit(1).Value, "改名"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // the community secretary administers the unit and may
        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        using var edited = await secretary.PutAsJsonAsync($"/api/resources/{id}", Room(DemoRegion.Unit(1).Value, "税务所议事厅"));
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("税务所议事厅", (await edited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());

        using var withdrawn = await unit.PostAsJsonAsync($"/api/resources/{id}/withdraw", new { reason = "装修" });
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        using var again = await unit.PostAsJsonAsync($"/api/resources/{id}/withdraw", new { reason = "装修" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var audit = (await admin.GetFromJsonAsync<JsonElement>($"/api/audit?entityId={id}")).GetProperty("entries");
        Assert.Equal(["resource.registered", "resource.updated", "resource.withdrawn"],
            audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_catalogue_filters_by_kind_category_street_and_free_slot()
    {
        using var chair = await app.ClientForAsync(DemoUsers.StreetChair);
        var venues = await chair.GetFromJsonAsync<JsonElement>($"/api/resources?kind=venue&street={DemoRegion.Street(1)}");
        var names = venues.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList();
        Assert.Contains("桂花社区党建共享之家", names);
        Assert.Contains("东湖实验小学礼堂", names);
        Assert.DoesNotContain("长青养老服务中心应急物资", names);
        Assert.All(venues.GetProperty("items").EnumerateArray(), r => Assert.Equal("venue", r.GetProperty("kind").GetString()));

        var health = await chair.GetFromJsonAsync<JsonElement>("/api/resources?category=医疗");
        Assert.Equal(["江滨区人民医院社区义诊"], health.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("name").GetString()));

        // Saturday 2026-03-07 10:00-11:00 Beijing time: the school hall (weekends) and the party home (Sat mornings) are open, the tax office room is not
        var saturday = await chair.GetFromJsonAsync<JsonElement>(
            "/api/resources?kind=venue&availableFrom=2026-03-07T10:00:00%2B08:00&availableTo=2026-03-07T11:00:00%2B08:00");
        var open = saturday.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList();
        Assert.Contains("东湖实验小学礼堂", open);
        Assert.Contains("桂花社区党建共享之家", open);
        Assert.DoesNotContain("东湖税务所党员活动室", open);

        using var bad = await chair.GetAsync("/api/resources?kind=spaceship");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
