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

    [Fact]
    public async Task The_audit_trail_answers_the_take_it_applied_and_the_before_that_reads_the_next_page()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        for (var i = 0; i < 7; i++)
        {
            using var renamed = await admin.PutAsJsonAsync($"/api/alliances/{DemoRegion.CommunityAlliance(3)}", new { name = $"滨江社区区域化党建联盟 {i}" });
            Assert.Equal(System.Net.HttpStatusCode.OK, renamed.StatusCode);
        }

        for (var wait = 0; wait < 100 && (await admin.GetFromJsonAsync<JsonObject>("/api/audit/verify"))!["unsealed"]!.GetValue<long>() > 0; wait++)
        {
            await Task.Delay(100);
        }

        var page = (await admin.GetFromJsonAsync<JsonObject>("/api/audit"))!;
        Assert.Equal(50, page["take"]!.GetValue<int>());
        Assert.Null(page["before"]);

        // Three pages of two, each below the last one's oldest, with no entry listed twice; the chain is sealed by now
        // (the demo seed, seven renames), so the pages follow the sequence down.
        var seen = new List<long>();
        long? before = null;
        for (var i = 0; i < 3; i++)
        {
            page = (await admin.GetFromJsonAsync<JsonObject>(before is null ? "/api/audit?take=2" : $"/api/audit?take=2&before={before}"))!;
            Assert.Equal(2, page["take"]!.GetValue<int>());
            Assert.Equal(before, page["before"]?.GetValue<long>());
            var entries = page["entries"]!.AsArray();
            Assert.True(entries.Count == 2, page.ToJsonString());
            Assert.True(page["hasMore"]!.GetValue<bool>());
            seen.AddRange(entries.Where(e => e!["sealed"]!.GetValue<bool>()).Select(e => e!["sequence"]!.GetValue<long>()));
            before = page["nextBefore"]!.GetValue<long>();
            Assert.True(entries.All(e => e!["sequence"]?.GetValue<long>() is not long s || s >= before));
        }

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(seen.OrderDescending(), seen);

        var last = (await admin.GetFromJsonAsync<JsonObject>("/api/audit?take=500&before=2"))!;
        Assert.False(last["hasMore"]!.GetValue<bool>());
        Assert.Null(last["nextBefore"]);
        Assert.Equal(2L, last["before"]!.GetValue<long>());
    }
}
