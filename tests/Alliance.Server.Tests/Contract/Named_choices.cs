using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Api;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;

namespace Alliance.Server.Tests.Contract;

/// <summary>Issue 20, defect 1: a named choice is accepted by its name only, in bodies, queries and routes, on every endpoint.</summary>
public sealed class Named_choices(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task A_number_for_a_named_choice_in_any_body_is_a_field_error_naming_the_allowed_names()
    {
        using var client = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var walked = new List<string>();
        foreach (var endpoint in ApiEndpoint.All(app.Services))
        {
            foreach (var property in endpoint.BodyProperties(app.Services))
            {
                var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (!type.IsEnum)
                {
                    continue;
                }

                foreach (var bad in new JsonNode[] { 3, "3", "no-such-name" })
                {
                    var body = new JsonObject { [property.Name] = bad.DeepClone() };
                    using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path()) { Content = JsonContent.Create(body) };
                    using var response = await client.SendAsync(request);
                    var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{endpoint.Name} {body.ToJsonString()}: {(int)response.StatusCode} {problem}");
                    var message = problem!["errors"]?[property.Name]?["en"]?.GetValue<string>();
                    Assert.True(message is not null, $"{endpoint.Name} {body.ToJsonString()}: the field is not named in {problem}");
                    foreach (var name in WireTypes.EnumNames(type))
                    {
                        Assert.True(message.Contains(name, StringComparison.Ordinal), $"{endpoint.Name} {property.Name}: {message}");
                    }
                }

                walked.Add($"{endpoint.Name} {property.Name}");
            }
        }

        Assert.True(walked.Count >= 7, "too few named choices in bodies were found: " + string.Join("; ", walked));
    }

    [Fact]
    public async Task A_number_for_a_named_choice_in_any_query_is_a_field_error_naming_the_allowed_names()
    {
        using var client = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var walked = 0;
        foreach (var endpoint in ApiEndpoint.All(app.Services))
        {
            foreach (var parameter in endpoint.QueryParameters.Where(p => (Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType).IsEnum))
            {
                var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
                foreach (var bad in new[] { "3", "-1", "no-such-name" })
                {
                    using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), $"{endpoint.Path()}?{parameter.Name}={bad}");
                    if (endpoint.BodyType is not null)
                    {
                        request.Content = JsonContent.Create(new JsonObject());
                    }

                    using var response = await client.SendAsync(request);
                    var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{endpoint.Name} ?{parameter.Name}={bad}: {(int)response.StatusCode} {problem}");
                    var message = problem!["errors"]?[parameter.Name!]?["en"]?.GetValue<string>() ?? "";
                    Assert.All(WireTypes.EnumNames(type), name => Assert.Contains(name, message, StringComparison.Ordinal));
                }

                walked++;
            }
        }

        Assert.True(walked >= 2, $"only {walked} named choices in queries were found");
    }

    [Fact]
    public async Task An_item_with_a_number_for_its_kind_starts_no_workflow()
    {
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var before = (await client.GetFromJsonAsync<JsonObject>("/api/items"))!["total"]!.GetValue<int>();
        var body = JsonSerializer.SerializeToNode(app.Item("urgent"))!.AsObject();
        body["kind"] = (int)ItemKind.Urgent;
        using var response = await client.PostAsJsonAsync("/api/items", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, (await client.GetFromJsonAsync<JsonObject>("/api/items"))!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Named_choices_are_answered_by_their_names()
    {
        var id = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.Item("deliberation"));
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var item = (await client.GetFromJsonAsync<JsonObject>($"/api/items/{id}"))!;
        Assert.Equal("deliberation", item["kind"]!.GetValue<string>());
        Assert.Equal("alliance", item["scope"]!.GetValue<string>());
        using var listing = await client.GetAsync("/api/items?kind=deliberation");
        Assert.True(listing.IsSuccessStatusCode, await listing.Content.ReadAsStringAsync());
        var listed = (await listing.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains(listed["items"]!.AsArray(), i => i!["id"]!.GetValue<Guid>() == id);
    }
}
