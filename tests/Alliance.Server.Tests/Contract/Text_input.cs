using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;

namespace Alliance.Server.Tests.Contract;

/// <summary>Issue 20, defect 3: text is stored only when a database can hold it, in NFC, trimmed, within the same limits on both databases.</summary>
public sealed class Text_input(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task A_control_character_in_any_text_of_any_body_is_a_field_error()
    {
        using var client = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var walked = 0;
        foreach (var endpoint in ApiEndpoint.All(app.Services))
        {
            foreach (var property in endpoint.BodyProperties(app.Services).Where(p => p.PropertyType == typeof(string)))
            {
                foreach (var bad in new[] { "a\u0000b", "a\u001bb", "a\u0085b" })
                {
                    var body = new JsonObject { [property.Name] = bad };
                    using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path()) { Content = JsonContent.Create(body) };
                    using var response = await client.SendAsync(request);
                    var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{endpoint.Name} {property.Name}: {(int)response.StatusCode} {problem}");
                    Assert.True(problem!["errors"]?[property.Name] is not null, $"{endpoint.Name} {property.Name}: the field is not named in {problem}");
                }

                walked++;
            }
        }

        Assert.True(walked >= 40, $"only {walked} text fields were found");
    }

    [Fact]
    public async Task Text_is_stored_trimmed_and_in_nfc_and_single_line_fields_refuse_line_breaks()
    {
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var body = JsonSerializer.SerializeToNode(app.Item("deliberation"))!.AsObject();
        body["title"] = "  Cafe\u0301 议题  ";
        body["description"] = "第一行\n\t第二行";
        var id = await app.SubmitAsync(DemoUsers.CommunitySecretary, body);
        var item = (await client.GetFromJsonAsync<JsonObject>($"/api/items/{id}"))!;
        Assert.Equal("Caf\u00e9 议题", item["title"]!.GetValue<string>());
        Assert.Equal("第一行\n\t第二行", item["description"]!.GetValue<string>());

        body["title"] = "第一行\n第二行";
        using var refused = await client.PostAsJsonAsync("/api/items", body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.NotNull((await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["title"]);
    }

    [Fact]
    public async Task The_length_limit_counts_the_stored_text_and_a_full_length_chinese_title_is_kept_whole()
    {
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var body = JsonSerializer.SerializeToNode(app.Item("deliberation"))!.AsObject();
        body["title"] = new string('议', 201);
        using (var refused = await client.PostAsJsonAsync("/api/items", body))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.NotNull((await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["title"]);
        }

        var full = new string('议', 200);
        body["title"] = "  " + full + "  ";
        var id = await app.SubmitAsync(DemoUsers.CommunitySecretary, body);
        Assert.Equal(full, (await client.GetFromJsonAsync<JsonObject>($"/api/items/{id}"))!["title"]!.GetValue<string>());
    }
}
