using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Commitments;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Lists;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Commitments;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Contract;

/// <summary>
/// Issue 20, defect 4: categories are a closed list per alliance (its rules of procedure), served by the API; a value
/// outside the list is a field error that names the allowed values, and nothing is stored.
/// </summary>
public sealed class Closed_vocabularies(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Unknown = "量子计算";

    private static readonly Guid CommunityAlliance = DemoRegion.CommunityAlliance(1).Value;

    [Fact]
    public async Task The_vocabularies_of_an_alliance_are_served_with_its_categories_and_the_named_choices()
    {
        using var client = await app.ClientForAsync(DemoUsers.UnitContact);
        var vocabularies = (await client.GetFromJsonAsync<JsonObject>($"/api/alliances/{CommunityAlliance}/vocabularies"))!;

        Assert.Equal(RulesOfProcedure.DefaultCategories, Strings(vocabularies["categories"]));
        Assert.Equal(["经费使用", "议事规则修改", "成员单位调整"], Strings(vocabularies["qualifiedCategories"]));
        Assert.Equal(["deliberation", "decision", "jointTask", "urgent"], Strings(vocabularies["itemKinds"]));
        Assert.Contains("venue", Strings(vocabularies["resourceKinds"]));
        Assert.Contains("activityRoom", Strings(vocabularies["venueTypes"]));
        Assert.Contains("School", Strings(vocabularies["unitTypes"]));

        using var outside = await (await app.ClientForAsync(DemoUsers.OtherStreetChair)).GetAsync($"/api/alliances/{CommunityAlliance}/vocabularies");
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
    }

    [Fact]
    public async Task An_unknown_category_is_refused_everywhere_with_the_allowed_values_named_and_nothing_stored()
    {
        var from = app.Time.GetUtcNow().AddDays(5);
        var cases = new (string User, string Path, JsonObject Body, string Field)[]
        {
            (DemoUsers.CommunitySecretary, "/api/items", Body(app.Item("deliberation", category: Unknown)), "category"),
            (DemoUsers.CommunitySecretary, "/api/needs", Body(new
            {
                communityId = DemoRegion.Community(1).Value, title = "量子科普讲座", category = Unknown, description = "居民希望了解量子计算。", headCount = 20, wantedFrom = from, wantedTo = from.AddHours(2),
            }), "category"),
            (DemoUsers.UnitContact, "/api/commitments", Body(CommitmentsKit.Commitment(app.Year())), "category"),
            (DemoUsers.UnitContact, "/api/resources", Body(new
            {
                ownerId = DemoRegion.Unit(1).Value, kind = "venue", venueType = "activityRoom", name = "量子实验室", description = "测试用。",
                categories = new[] { "场地", Unknown }, capacity = 10, exclusive = true, requiresApproval = true,
                openingHours = new[] { new { day = "Monday", from = "08:00", to = "18:00" } },
            }), "categories"),
            (DemoUsers.CommunitySecretary, "/api/organisations", Body(new
            {
                kind = "Unit", name = "量子科技有限公司", parentId = DemoRegion.Community(1).Value, unitType = "PrivateEnterprise",
                serviceCategories = new[] { Unknown }, address = "江滨区东湖街道桂花路31号",
            }), "serviceCategories"),
        };
        cases[2].Body["category"] = Unknown;

        foreach (var (user, path, body, field) in cases)
        {
            using var client = await app.ClientForAsync(user);
            using var response = await client.PostAsJsonAsync(path, body);
            var problem = await response.ProblemAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode} {problem}");
            var zh = problem["errors"]?[field]?["zh-CN"]?.GetValue<string>() ?? "";
            var en = problem["errors"]?[field]?["en"]?.GetValue<string>() ?? "";
            Assert.True(zh.Contains(Unknown, StringComparison.Ordinal) && zh.Contains("场地、教育", StringComparison.Ordinal), $"{path}: {problem}");
            Assert.True(en.Contains("Allowed: 场地, 教育", StringComparison.Ordinal), $"{path}: {problem}");
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        Assert.False(await db.Set<Item>().AnyAsync(i => i.Category == Unknown));
        Assert.False(await db.Set<Need>().AnyAsync(n => n.Category == Unknown));
        Assert.False(await db.Set<Commitment>().AnyAsync(c => c.Category == Unknown));
        Assert.False(await db.Organisations.AnyAsync(o => o.Name == "量子科技有限公司"));
    }

    [Fact]
    public async Task The_list_is_the_alliances_setting_and_a_changed_list_takes_effect_at_once()
    {
        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var rules = (await secretary.GetFromJsonAsync<JsonObject>($"/api/alliances/{CommunityAlliance}/rules"))!;
        var changed = rules.DeepClone().AsObject();
        changed["categories"] = new JsonArray("养老", "垃圾分类", "经费使用", "议事规则修改", "成员单位调整");
        try
        {
            using (var put = await secretary.PutAsJsonAsync($"/api/alliances/{CommunityAlliance}/rules", changed))
            {
                Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
            }

            var vocabularies = (await secretary.GetFromJsonAsync<JsonObject>($"/api/alliances/{CommunityAlliance}/vocabularies"))!;
            Assert.Equal(["养老", "垃圾分类", "经费使用", "议事规则修改", "成员单位调整"], Strings(vocabularies["categories"]));

            Assert.NotEqual(Guid.Empty, await app.SubmitAsync(DemoUsers.CommunitySecretary, app.Item("deliberation", category: " 垃圾分类 ")));
            using var dropped = await secretary.PostAsJsonAsync("/api/items", app.Item("deliberation", category: "法律"));
            Assert.Equal(HttpStatusCode.BadRequest, dropped.StatusCode);
            Assert.Contains("垃圾分类", (await dropped.ProblemAsync())["errors"]!["category"]!["zh-CN"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            using var restore = await secretary.PutAsJsonAsync($"/api/alliances/{CommunityAlliance}/rules", rules);
            Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        }
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[\"养老\", \"养老\", \"经费使用\", \"议事规则修改\", \"成员单位调整\"]")]
    [InlineData("[\"养老\", \"  \", \"经费使用\", \"议事规则修改\", \"成员单位调整\"]")]
    [InlineData("[\"养老\", \"一二三四五六七八九十一二三四五六七八九十一\", \"经费使用\", \"议事规则修改\", \"成员单位调整\"]")]
    public async Task A_list_that_is_empty_repeats_itself_or_holds_a_blank_or_overlong_category_is_refused(string categories)
    {
        await AssertRulesRefusedAsync("categories", JsonNode.Parse(categories)!, null);
    }

    [Fact]
    public async Task A_qualified_majority_category_outside_the_list_is_refused()
    {
        await AssertRulesRefusedAsync("qualifiedCategories", new JsonArray("养老", "其他"), new JsonArray("经费使用"));
    }

    private async Task AssertRulesRefusedAsync(string field, JsonNode categories, JsonNode? qualified)
    {
        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var rules = (await secretary.GetFromJsonAsync<JsonObject>($"/api/alliances/{CommunityAlliance}/rules"))!;
        rules["categories"] = categories;
        if (qualified is not null)
        {
            rules["qualifiedCategories"] = qualified;
        }

        using var put = await secretary.PutAsJsonAsync($"/api/alliances/{CommunityAlliance}/rules", rules);
        var problem = await put.ProblemAsync();
        Assert.True(put.StatusCode == HttpStatusCode.BadRequest, problem.ToJsonString());
        Assert.NotNull(problem["errors"]?[field]);
        var now = (await secretary.GetFromJsonAsync<JsonObject>($"/api/alliances/{CommunityAlliance}/rules"))!;
        Assert.Equal(RulesOfProcedure.DefaultCategories, Strings(now["categories"]));
    }

    private static JsonObject Body(object value) => JsonSerializer.SerializeToNode(value, ItemsKit.Json)!.AsObject();

    private static List<string> Strings(JsonNode? node) => [.. node!.AsArray().Select(n => n!.GetValue<string>())];
}
