using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Contract;

/// <summary>
/// Issue 20, defect 8: the OpenAPI document describes errors. Every host of the suite also checks, as it ends, that the
/// document describes every status and problem code its tests received (<see cref="ResponseRecorder"/>).
/// </summary>
public sealed class The_openapi_document(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task Every_api_operation_describes_its_errors_as_problem_details_with_their_codes()
    {
        using var client = app.CreateClient();
        var document = (await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var operations = 0;
        foreach (var (path, item) in document["paths"]!.AsObject().Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var (method, operation) in item!.AsObject().Where(o => o.Key is "get" or "post" or "put" or "delete"))
            {
                var errors = operation!["responses"]!.AsObject().Where(r => r.Key[0] is '4').ToList();
                Assert.True(errors.Count > 0, $"{method} {path} describes no error");
                Assert.All(errors, r => Assert.NotNull(r.Value!["content"]?["application/problem+json"]?["schema"]?["properties"]?["code"]?["enum"]));
                operations++;
            }
        }

        Assert.True(operations >= 80, $"only {operations} operations");
        var submit = document["paths"]!["/api/items"]!["post"]!["responses"]!;
        Assert.Equal(["200", "201", "400", "401", "403", "404", "409"], submit.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Contains(submit["400"]!["content"]!["application/problem+json"]!["schema"]!["properties"]!["code"]!["enum"]!.AsArray(), c => c!.GetValue<string>() == "validation");
        var token = document["paths"]!["/api/auth/token"]!["post"]!["responses"]!.AsObject();
        Assert.Contains("423", token.Select(r => r.Key));
        Assert.Contains("429", token.Select(r => r.Key));
    }

    [Fact]
    public async Task The_recorder_notices_a_response_the_document_does_not_describe()
    {
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        using var _ = await client.GetAsync("/api/items?page=0");
        var document = (await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        Assert.Empty(app.Responses.Undocumented(document));
        document["paths"]!["/api/items"]!["get"]!["responses"]!.AsObject().Remove("400");
        Assert.Contains(app.Responses.Undocumented(document), m => m.Contains("GET /api/items: status 400 (validation)", StringComparison.Ordinal));
    }
}
