using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Items;

/// <summary>
/// Clients that give up mid-request (a phone losing its signal): whatever moment the request is abandoned, the work it
/// began is committed whole or not at all, no route is left without its item, and the client's retry — the same
/// idempotency key, the same task — learns what happened and finishes the work exactly once.
/// </summary>
public sealed class Clients_that_give_up(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const int Submissions = 120;
    private const int Completions = 60;

    [Fact]
    public async Task Abandoned_submissions_leave_no_route_without_its_item_and_their_retries_make_one_item_each()
    {
        var random = new Random(20261205);
        var delays = Enumerable.Range(0, Submissions).Select(_ => TimeSpan.FromMilliseconds(random.Next(0, 60))).ToList();
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var abandoned = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Submissions), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            using var gone = new CancellationTokenSource(delays[i]);
            using var request = Submission(i);
            try
            {
                using var response = await client.SendAsync(request, gone.Token);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref abandoned);
            }
        });
        Assert.True(abandoned > 0, "no request was abandoned: the test would prove nothing");

        await A_crash_at_any_point_of_an_action.AssertEveryRouteHasItsItemAsync(app);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < Submissions; i++)
        {
            using var request = Submission(i);
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Created, s.ToString()));
        Assert.Contains(HttpStatusCode.OK, statuses); // some had been made although their client gave up
        await using var scope = app.Services.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Set<Item>()
            .Where(i => i.IdempotencyKey != null && i.IdempotencyKey.StartsWith("give-up-")).Select(i => i.IdempotencyKey!).ToListAsync();
        Assert.Equal(Enumerable.Range(0, Submissions).Select(Key).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        await A_crash_at_any_point_of_an_action.AssertEveryRouteHasItsItemAsync(app);
    }

    [Fact]
    public async Task Abandoned_completions_happen_once_and_their_retries_are_refused_or_complete_the_task()
    {
        var tasks = new List<(Guid Item, Guid Task)>();
        for (var i = 0; i < Completions; i++)
        {
            var item = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.Item("deliberation", title: $"放弃的办结 {i}"));
            tasks.Add((item, (await app.TaskAsync(DemoUsers.CommunitySecretary, item, "intake"))["id"]!.GetValue<Guid>()));
        }

        var random = new Random(1205);
        var delays = tasks.ConvertAll(_ => TimeSpan.FromMilliseconds(random.Next(0, 60)));
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var abandoned = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Completions), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            using var gone = new CancellationTokenSource(delays[i]);
            try
            {
                using var response = await client.PostAsJsonAsync($"/api/tasks/{tasks[i].Task}/complete", new { outcome = "accept" }, gone.Token);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref abandoned);
            }
        });
        Assert.True(abandoned > 0, "no request was abandoned: the test would prove nothing");
        await A_crash_at_any_point_of_an_action.AssertEveryRouteHasItsItemAsync(app);

        foreach (var (item, task) in tasks)
        {
            using var retry = await client.PostAsJsonAsync($"/api/tasks/{task}/complete", new { outcome = "accept" });
            Assert.True(retry.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, await retry.Content.ReadAsStringAsync());
            if (retry.StatusCode == HttpStatusCode.Conflict)
            {
                Assert.Equal("task.closed", (await retry.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
            }

            var detail = await app.ItemAsync(DemoUsers.CommunitySecretary, item);
            Assert.Equal(1, detail.Events().Count(e => e == "TaskCompleted"));
        }

        await A_crash_at_any_point_of_an_action.AssertEveryRouteHasItsItemAsync(app);
    }

    private static string Key(int i) => $"give-up-{i:D3}";

    private HttpRequestMessage Submission(int i)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/items") { Content = JsonContent.Create(app.Item("deliberation", title: $"放弃的提交 {i}")) };
        request.Headers.Add("Idempotency-Key", Key(i));
        return request;
    }
}
