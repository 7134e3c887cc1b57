using System.Text.Json;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Ui.Pages;

public sealed record ItemView(
    ItemsApi.ItemDetail Item, string AllianceName, IReadOnlyDictionary<Guid, string> OrganisationNames, IReadOnlyList<Alliance.Workflows.Visualisation.RouteStep> Route);

/// <summary>
/// One item as its page shows it: <see cref="ItemOperations.GetAsync"/> (the code <c>GET /api/items/{id}</c> runs, so
/// out of scope is the same <see cref="Infrastructure.Problems.NotFoundProblem"/>), plus the names of the alliance and
/// of the organisations it mentions, and its route's steps (<see cref="ItemOperations.RouteAsync"/>, the steps
/// <c>GET /api/items/{id}/diagram</c> answers).
/// </summary>
public static class ItemViews
{
    public static async Task<ItemView> ReadAsync(IServiceProvider services, AccessScope scope, ItemId id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var items = services.GetRequiredService<ItemOperations>();
        var item = await items.GetAsync(scope, id, cancellationToken);
        var route = await items.RouteAsync(scope, id, cancellationToken);
        var db = services.GetRequiredService<AllianceDbContext>();
        var alliance = await db.Alliances.AsNoTracking().Where(a => a.Id == item.AllianceId).Select(a => a.Name).SingleOrDefaultAsync(cancellationToken) ?? "";
        var mentioned = item.CurrentSteps.Concat(item.PastSteps).Where(t => t.HolderOrganisationId is not null).Select(t => t.HolderOrganisationId!.Value)
            .Append(item.SubmitterOrganisationId).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => mentioned.Contains(o.Id)).ToDictionaryAsync(o => o.Id.Value, o => o.Name, cancellationToken);
        return new ItemView(item, alliance, names, route);
    }

    /// <summary>
    /// One timeline entry in words, with what it names: the status reached, the step's title (from the item's own steps),
    /// the outcome and the comment; e.g. 办结任务：验收并评价满意度 · 满意（讲解细致）.
    /// </summary>
    public static string EventText(ItemsApi.TimelineEntry entry, ItemsApi.ItemDetail item)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(item);
        return EventText(entry.Type, entry.Data, step => item.CurrentSteps.Concat(item.PastSteps).FirstOrDefault(s => s.Step == step) is { } known
            ? UiText.L(known.TitleZh ?? step, known.TitleEn ?? step)
            : null);
    }

    /// <summary>An item event in words (the timeline, the ledger's history sheet); <paramref name="stepTitle"/> names a step by its id, null when unknown.</summary>
    public static string EventText(string type, JsonElement data, Func<string, string?> stepTitle)
    {
        ArgumentNullException.ThrowIfNull(stepTitle);
        string? Data(string name) => data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        string StepTitle() => Data("step") is { } step ? stepTitle(step) ?? step : "";
        return type switch
        {
            "ItemSubmitted" => UiText.L("提交事项", "Submitted"),
            "ItemStatusChanged" => UiText.L("状态变为：", "Status: ") + UiText.Status(Data("to") ?? ""),
            "TaskAssigned" => UiText.L("派发任务：", "Task assigned: ") + StepTitle(),
            "TaskClaimed" => UiText.L("认领任务：", "Task claimed: ") + StepTitle(),
            "TaskCompleted" => UiText.L("办结任务：", "Task completed: ") + StepTitle() + " · " + UiText.Outcome(Data("outcome") ?? "")
                + (Data("comment") is { Length: > 0 } comment ? UiText.L($"（{comment}）", $" ({comment})") : ""),
            "ItemOverdue" => UiText.L("超期：", "Overdue: ") + StepTitle(),
            "ItemEscalated" => UiText.L("上报督办", "Escalated"),
            "ItemClosed" => UiText.L("事项办结", "Closed"),
            _ => type,
        };
    }
}
