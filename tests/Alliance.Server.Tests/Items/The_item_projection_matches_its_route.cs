using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Workflows;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Items;

/// <summary>
/// A property of the one path: whatever sequence of actions people and the clock perform on items, after every commit the
/// item's projection (status, closed, its open tasks with their holders, outcomes, forms, deadlines, escalation and
/// candidate rows) equals one rebuilt from the runtime's own state, read through the runtime's query interface, and the
/// report figures kept in each commit equal their recomputation from every stored row. Random
/// sequences from fixed seeds (printed on failure), on the pass's database.
/// </summary>
public sealed class The_item_projection_matches_its_route(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const int Steps = 35;

    private static readonly string[] Kinds = ["deliberation", "decision", "jointTask", "urgent"];

    [Theory]
    [InlineData(11)]
    [InlineData(2026)]
    [InlineData(90210)]
    public async Task After_every_action_the_projection_equals_the_one_rebuilt_from_the_runtime(int seed)
    {
        var random = new Random(seed);
        var items = new List<Guid>();
        var acted = 0;
        for (var step = 0; step < Steps; step++)
        {
            var roll = random.NextDouble();
            string did;
            if (items.Count == 0 || (roll < 0.15 && items.Count < 6))
            {
                var kind = Kinds[random.Next(Kinds.Length)];
                items.Add(await app.SubmitAsync(DemoUsers.CommunitySecretary, app.Item(kind, title: $"性质测试 {seed}-{step}")));
                did = $"submit {kind}";
            }
            else if (roll < 0.25)
            {
                var by = TimeSpan.FromHours(random.Next(6, 72));
                await app.AdvanceAsync(by);
                did = $"advance {by}";
            }
            else
            {
                did = await ActOnARandomTaskAsync(random);
                acted += did.StartsWith("claim", StringComparison.Ordinal) || did.StartsWith("complete", StringComparison.Ordinal) ? 1 : 0;
            }

            await AssertProjectionMatchesRuntimeAsync($"seed {seed}, step {step} ({did})");
        }

        Assert.True(acted >= Steps / 3, $"seed {seed}: only {acted} task actions; the sequence exercised too little");
    }

    private async Task<string> ActOnARandomTaskAsync(Random random)
    {
        var runtime = app.Services.GetRequiredService<WorkflowRuntime>();
        var open = (await runtime.QueryHumanTasksAsync(new HumanTaskQuery())).OrderBy(b => b.CreatedUtc).ThenBy(b => b.Id.Value).ToList();
        if (open.Count == 0)
        {
            return "nothing open";
        }

        var task = open[random.Next(open.Count)];
        var user = await WhoMayActAsync(task);
        if (user is null)
        {
            return $"nobody for {task.ActivityId}";
        }

        using var client = await app.ClientForAsync(user);
        HttpResponseMessage response;
        string did;
        if (task.ClaimedBy is null && random.NextDouble() < 0.3)
        {
            response = await client.PostAsJsonAsync($"/api/tasks/{task.Id.Value}/claim", new { });
            did = $"claim {task.ActivityId} as {user}";
        }
        else
        {
            var outcome = task.AllowedOutcomes[random.Next(task.AllowedOutcomes.Count)];
            response = await client.PostAsJsonAsync($"/api/tasks/{task.Id.Value}/complete",
                new { outcome, comment = "随机测试意见", fields = Fields(task, random) });
            did = $"complete {task.ActivityId} with {outcome} as {user}";
        }

        using (response)
        {
            Assert.True(response.StatusCode < HttpStatusCode.InternalServerError, $"{did}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return $"{did} -> {(int)response.StatusCode}";
        }
    }

    /// <summary>A demo user who may act on the task: its holder, else one holding the role it asks in an organisation it is offered to.</summary>
    private async Task<string?> WhoMayActAsync(Bookmark task)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        if ((task.DelegatedTo ?? task.ClaimedBy) is { } holder && Guid.TryParse(holder, out var held))
        {
            return await db.Users.Where(u => u.Id == held).Select(u => u.UserName).SingleAsync();
        }

        var grants = await db.RoleGrants.AsNoTracking().Where(g => g.RevokedAt == null).OrderBy(g => g.UserId).ThenBy(g => g.Role).ToListAsync();
        var grant = grants.Find(g => task.CandidateRole is { } role && WorkflowRoles.Of(g.Role).Contains(role) && task.IsCandidateOrganisation(g.OrganisationId.ToString()));
        return grant is null ? null : await db.Users.Where(u => u.Id == grant.UserId).Select(u => u.UserName).SingleAsync();
    }

    private JsonObject Fields(Bookmark task, Random random)
    {
        var fields = new JsonObject();
        foreach (var field in task.Fields)
        {
            if (!field.Required && random.NextDouble() < 0.5)
            {
                continue;
            }

            fields[field.Name] = field.Name switch
            {
                "unitId" => DemoRegion.Unit(1).ToString(),
                "unitIds" => new JsonArray(DemoRegion.Unit(1).ToString(), DemoRegion.Unit(2).ToString()),
                _ => field.Type switch
                {
                    FieldType.Number => field.Min ?? 1,
                    FieldType.Boolean => random.NextDouble() < 0.5,
                    FieldType.Date => app.Today().AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    FieldType.Choice => field.Options![random.Next(field.Options.Count)],
                    FieldType.List => new JsonArray(field.Options is { Count: > 0 } o ? o[0] : "证明材料"),
                    _ => "随机测试",
                },
            };
        }

        return fields;
    }

    private async Task AssertProjectionMatchesRuntimeAsync(string where)
    {
        var runtime = app.Services.GetRequiredService<WorkflowRuntime>();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        foreach (var item in await db.Set<Item>().AsNoTracking().ToListAsync())
        {
            var instance = await runtime.GetInstanceAsync(new InstanceId(item.WorkflowInstanceId));
            Assert.True(instance is not null, $"{where}: item {item.Id} has no route");
            if (instance!.BusinessStatus is { } status)
            {
                Assert.True(status == item.Status, $"{where}: item {item.Id} ({item.Kind}) says {item.Status}, its route {status}");
            }

            Assert.True(instance.IsClosed == item.IsClosed, $"{where}: item {item.Id} closed {item.IsClosed}, route {instance.Status}");
            var bookmarks = (await runtime.QueryHumanTasksAsync(new HumanTaskQuery(InstanceId: instance.Id))).ToDictionary(b => b.Id.Value);
            var tasks = await db.Set<ItemTask>().AsNoTracking().Where(t => t.ItemId == item.Id && t.ClosedUtc == null).ToListAsync();
            Assert.True(bookmarks.Keys.Order().SequenceEqual(tasks.Select(t => t.Id).Order()),
                $"{where}: item {item.Id} open tasks [{string.Join(", ", tasks.Select(t => t.Step))}], route waits on [{string.Join(", ", bookmarks.Values.Select(b => b.ActivityId))}]");
            var candidates = await db.Set<ItemTaskCandidate>().AsNoTracking().ToListAsync();
            foreach (var task in tasks)
            {
                var b = bookmarks[task.Id];
                var expected = (b.ActivityId, b.ClaimedBy, b.DelegatedTo, b.DeadlineUtc, b.Escalated, b.CandidateRole, b.CandidateOrganisation,
                    string.Join('|', b.AllowedOutcomes), b.Fields.Count);
                var actual = (task.Step, task.ClaimedBy, task.DelegatedTo, task.DeadlineUtc, task.Escalated, task.CandidateRole, task.CandidateOrganisations,
                    string.Join('|', task.AllowedOutcomes), task.Fields.Count);
                Assert.True(expected == actual, $"{where}: task {task.Step} of {item.Id}: route {expected}, item {actual}");
                Assert.True(task.Candidates().Select(o => o.Value).Order().SequenceEqual(candidates.Where(c => c.TaskId == task.Id).Select(c => c.OrganisationId.Value).Order()),
                    $"{where}: candidate rows of task {task.Step} differ from {task.CandidateOrganisations}");
            }
        }

        await A_crash_at_any_point_of_an_action.AssertEveryRouteHasItsItemAsync(app);
        await Reports.ReportsKit.AssertFiguresMatchAsync(app, where);
    }
}
