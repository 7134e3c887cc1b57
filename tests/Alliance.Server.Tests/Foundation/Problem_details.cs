using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Foundation;

public sealed class Problem_details(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task An_unknown_address_answers_404_in_chinese_with_the_english_beside_it()
    {
        using var client = app.CreateClient();
        var response = await client.GetAsync("/api/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("未找到", body.GetProperty("title").GetString());
        Assert.Equal("The resource does not exist, or is not visible to you.", body.GetProperty("messages").GetProperty("en").GetString());
        Assert.True(body.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task English_is_chosen_by_accept_language()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB");
        var body = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        var response = await client.GetAsync("/api/no-such-thing");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Not found", problem.GetProperty("title").GetString());
    }
}
