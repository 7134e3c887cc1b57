using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using Alliance.Workflows;
using Alliance.Workflows.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Commitments;

/// <summary>A missing progress report: reminded before it is due, flagged overdue at the deadline, 督办 after the grace period, handed in late.</summary>
public sealed class A_missing_commitment_report(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;
    private const string Hall = DemoUsers.UnitContact;

    [Fact]
    public async Task A_missing_report_is_reminded_then_flagged_overdue_then_escalated_to_the_street_and_can_still_be_handed_in_late()
    {
        var now = app.Time.GetUtcNow().UtcDateTime;
        var boundary = new[] { CommitmentsKit.Local(2026, 4, 1), CommitmentsKit.Local(2026, 7, 1), CommitmentsKit.Local(2026, 10, 1), CommitmentsKit.Local(2027, 1, 1) }
            .First(b => b > now + TimeSpan.FromDays(1));
        var (id, item) = await app.ConfirmedAsync(Hall, CommitmentsKit.Commitment(app.Year(), title: "法律宣传进社区", target: 4, unit: "场"));
        var instance = (await app.ItemAsync(Secretary, item))["workflowInstanceId"]!.GetValue<Guid>();
        await app.AdvanceToAsync(boundary);
        var due = (await app.TaskAsync(Hall, item, "report"))["deadlineUtc"]!.GetValue<DateTime>();
        var remindersBefore = await RemindersAsync(instance);

        await app.AdvanceToAsync(due - TimeSpan.FromDays(7));
        Assert.Equal(remindersBefore + 1, await RemindersAsync(instance));
        await app.AdvanceToAsync(due - TimeSpan.FromDays(1));
        Assert.Equal(remindersBefore + 2, await RemindersAsync(instance));

        await app.AdvanceToAsync(due);
        var missing = await app.CommitmentAsync(Hall, id);
        Assert.Equal("missing", missing["periods"]!.AsArray().Last()!["state"]!.GetValue<string>());
        var overdueItem = await app.ItemAsync(Secretary, item);
        Assert.True(overdueItem["overdue"]!.GetValue<bool>());
        Assert.Contains("ItemOverdue", overdueItem.Events());
        Assert.DoesNotContain(await SupervisedAsync(DemoUsers.StreetChair), e => e["itemId"]!.GetValue<Guid>() == item);

        await app.AdvanceAsync(TimeSpan.FromDays(1));
        var entry = Assert.Single(await SupervisedAsync(DemoUsers.StreetChair), e => e["itemId"]!.GetValue<Guid>() == item);
        Assert.Equal(DemoRegion.Unit(1).Value, entry["responsibleOrganisationId"]!.GetValue<Guid>());
        Assert.Equal("commitment", entry["itemKind"]!.GetValue<string>());
        Assert.Null(entry["resolvedUtc"]);

        await app.DoAsync(Hall, item, "report-late", "report", fields: new { quantity = 1, note = "补报：已开展1场" });
        var late = await app.CommitmentAsync(Hall, id);
        Assert.Equal("reportedLate", late["periods"]!.AsArray().Last()!["state"]!.GetValue<string>());
        Assert.Equal(1m, late["doneQuantity"]!.GetValue<decimal>());
        Assert.False((await app.ItemAsync(Secretary, item))["overdue"]!.GetValue<bool>());
        Assert.NotNull(Assert.Single(await SupervisedAsync(DemoUsers.StreetChair), e => e["itemId"]!.GetValue<Guid>() == item)["resolvedUtc"]);
        Assert.Equal(1, await app.EventCountAsync(item, "ProgressReported"));
    }

    private async Task<int> RemindersAsync(Guid instance)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        return await db.Set<OutboxMessage>().CountAsync(o => o.InstanceId == new InstanceId(instance) && o.MessageType == "task.reminder");
    }

    private async Task<IReadOnlyList<JsonObject>> SupervisedAsync(string user)
    {
        using var client = await app.ClientForAsync(user);
        return [.. (await client.GetFromJsonAsync<JsonObject>("/api/supervision"))!["entries"]!.AsArray().OfType<JsonObject>()];
    }
}
