using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Workflows;

/// <summary>The operator's API over the runtime, through HTTP as the demo region's people.</summary>
public sealed class Operating_the_runtime(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task A_district_admin_sees_the_live_definitions_and_none_failed()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var body = await admin.GetFromJsonAsync<JsonElement>("/api/workflows/definitions");
        Assert.Contains(body.GetProperty("live").EnumerateArray(), d => d.GetProperty("id").GetString() == "sample-review");
        Assert.Empty(body.GetProperty("failed").EnumerateArray());

        var diagram = await admin.GetFromJsonAsync<string>("/api/workflows/definitions/sample-review/1/diagram");
        Assert.StartsWith("flowchart", diagram, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DemoUsers.StreetChair)]
    [InlineData(DemoUsers.UnitContact)]
    public async Task Anyone_else_is_refused_with_403(string user)
    {
        using var client = await app.ClientForAsync(user);
        var response = await client.GetAsync("/api/workflows/definitions");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_waiting_instance_is_shown_cancelled_once_and_then_refused_with_409()
    {
        var runtime = app.Services.GetRequiredService<WorkflowRuntime>();
        var id = await runtime.StartAsync("sample-review", new JsonObject { ["itemId"] = "item-1", ["communityId"] = "c-1" });
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);

        var instance = await admin.GetFromJsonAsync<JsonElement>($"/api/workflows/instances/{id.Value}");
        Assert.Equal("Waiting", instance.GetProperty("status").GetString());
        Assert.Contains(instance.GetProperty("bookmarks").EnumerateArray(), b => b.GetProperty("activityId").GetString() == "review");

        var cancelled = await admin.PostAsJsonAsync($"/api/workflows/instances/{id.Value}/cancel", new { reason = "重复提交" });
        Assert.Equal(HttpStatusCode.NoContent, cancelled.StatusCode);
        var again = await admin.PostAsJsonAsync($"/api/workflows/instances/{id.Value}/cancel", new { reason = "again" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("workflow.", problem.GetProperty("code").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("messages").GetProperty("en").GetString()));
    }

    [Fact]
    public async Task Retrying_an_instance_that_is_not_faulted_is_a_409_with_the_reason()
    {
        var runtime = app.Services.GetRequiredService<WorkflowRuntime>();
        var id = await runtime.StartAsync("sample-review", new JsonObject { ["itemId"] = "item-2", ["communityId"] = "c-1" });
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);

        var response = await admin.PostAsync($"/api/workflows/instances/{id.Value}/retry", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("workflow.not-faulted", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Migrating_to_a_version_that_does_not_exist_is_refused_with_reasons()
    {
        var runtime = app.Services.GetRequiredService<WorkflowRuntime>();
        var id = await runtime.StartAsync("sample-review", new JsonObject { ["itemId"] = "item-3", ["communityId"] = "c-1" });
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);

        var response = await admin.PostAsJsonAsync($"/api/workflows/instances/{id.Value}/migrate", new { targetVersion = 99 });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("workflow.migration-refused", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unknown_instance_is_404()
    {
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var response = await admin.GetAsync($"/api/workflows/instances/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
