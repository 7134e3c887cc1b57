using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;

namespace Alliance.Server.Tests.Contract;

/// <summary>
/// Issue 20, defect 10: the answer to an action on an item or a task says the item's state as it stands after the
/// action's commit, the same status and sequence a read right after it gives.
/// </summary>
public sealed class State_after_an_action(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;

    [Fact]
    public async Task Submitting_answers_the_status_the_route_reached()
    {
        using var client = await app.ClientForAsync(Secretary);
        using var response = await client.PostAsJsonAsync("/api/items", app.Item("deliberation", days: null));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        await AssertAsIfReadAsync(body["id"]!.GetValue<Guid>(), body["status"]!.GetValue<string>(), body["sequence"]!.GetValue<long>());
        Assert.Equal("intake-review", body["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Accepting_at_intake_answers_the_status_after_the_accept()
    {
        var id = await app.SubmitAsync(Secretary, app.Item("deliberation", days: null));
        var intake = await app.TaskAsync(Secretary, id, "intake");

        var result = await ActAsync(Secretary, $"/api/tasks/{intake["id"]}/complete", new { outcome = "accept" });

        Assert.NotEqual("intake-review", result["itemStatus"]!.GetValue<string>());
        await AssertAsIfReadAsync(id, result["itemStatus"]!.GetValue<string>(), result["sequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task Claiming_delegating_and_completing_a_task_each_answer_the_state_after_the_commit()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask(designated: DemoRegion.Unit(1).Value));
        var claim = await app.TaskAsync(DemoUsers.UnitContact, id, "claim");
        var result = await ActAsync(DemoUsers.UnitContact, $"/api/tasks/{claim["id"]}/complete", new { outcome = "accept" });
        Assert.Equal("in-progress", result["itemStatus"]!.GetValue<string>());
        await AssertAsIfReadAsync(id, result["itemStatus"]!.GetValue<string>(), result["sequence"]!.GetValue<long>());

        var work = await app.TaskAsync(DemoUsers.UnitContact, id, "work");
        result = await ActAsync(DemoUsers.UnitContact, $"/api/tasks/{work["id"]}/claim", null);
        await AssertAsIfReadAsync(id, result["itemStatus"]!.GetValue<string>(), result["sequence"]!.GetValue<long>());

        result = await ActAsync(DemoUsers.UnitContact, $"/api/tasks/{work["id"]}/delegate",
            new { toUserId = DemoRegion.Person(DemoUsers.UnitSecretary), comment = "请马书记牵头" });
        await AssertAsIfReadAsync(id, result["itemStatus"]!.GetValue<string>(), result["sequence"]!.GetValue<long>());

        result = await ActAsync(DemoUsers.UnitSecretary, $"/api/tasks/{work["id"]}/complete", new { outcome = "done", fields = new { report = "已完成" } });
        Assert.Equal("verifying", result["itemStatus"]!.GetValue<string>());
        await AssertAsIfReadAsync(id, result["itemStatus"]!.GetValue<string>(), result["sequence"]!.GetValue<long>());
    }

    private async Task<JsonObject> ActAsync(string user, string path, object? body)
    {
        using var response = await app.PostAsync(user, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task AssertAsIfReadAsync(Guid id, string status, long sequence)
    {
        var item = await app.ItemAsync(Secretary, id);
        Assert.Equal((item.Status(), item["sequence"]!.GetValue<long>()), (status, sequence));
    }
}
