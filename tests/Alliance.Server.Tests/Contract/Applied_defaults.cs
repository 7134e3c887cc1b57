using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;

namespace Alliance.Server.Tests.Contract;

/// <summary>Issue 20, defect 9: a default window or limit is in the document and the answer says the value it applied.</summary>
public sealed class Applied_defaults(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task The_stream_read_answers_the_limit_it_applied_and_the_document_states_the_default()
    {
        var id = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.Item("deliberation", days: null));
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);

        var page = await client.GetFromJsonAsync<JsonObject>($"/api/streams/item:{id}/events");
        Assert.Equal(1000, page!["limit"]!.GetValue<int>());
        page = await client.GetFromJsonAsync<JsonObject>($"/api/streams/item:{id}/events?limit=1");
        Assert.Equal(1, page!["limit"]!.GetValue<int>());

        var document = await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var operation = document!["paths"]!["/api/streams/{stream}/events"]!["get"]!;
        Assert.Contains("limit = 1000", operation["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
