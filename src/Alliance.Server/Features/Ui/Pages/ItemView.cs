using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Ui.Pages;

public sealed record ItemTimelineEntry(long Sequence, string Type, DateTime AtUtc, string? Actor);

public sealed record ItemView(
    Item Item, string AllianceName, string SubmitterName, IReadOnlyList<ItemsApi.StepView> Open, IReadOnlyList<ItemsApi.StepView> Past,
    IReadOnlyDictionary<Guid, string> OrganisationNames, IReadOnlyList<ItemTimelineEntry> Timeline);

/// <summary>
/// One item as its page shows it. The item is found through <see cref="ItemsApi.FindVisibleAsync"/>, the rule
/// <c>GET /api/items/{id}</c> applies: out of scope is the same <see cref="Infrastructure.Problems.NotFoundProblem"/>.
/// </summary>
public static class ItemViews
{
    public static async Task<ItemView> ReadAsync(AllianceDbContext db, AccessScope scope, ItemId id, DateTime nowUtc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var item = await ItemsApi.FindVisibleAsync(db, scope, id, cancellationToken);
        var tasks = await db.Set<ItemTask>().AsNoTracking().Where(t => t.ItemId == id).ToListAsync(cancellationToken);
        var events = await db.Set<ItemEventRecord>().AsNoTracking().Where(e => e.ItemId == id).OrderBy(e => e.Sequence)
            .Select(e => new ItemTimelineEntry(e.Sequence, e.Type, e.AtUtc, e.Actor)).ToListAsync(cancellationToken);
        var alliance = await db.Alliances.AsNoTracking().Where(a => a.Id == item.AllianceId).Select(a => a.Name).SingleOrDefaultAsync(cancellationToken) ?? "";
        var holders = tasks.Where(t => t.HolderOrganisationId is not null).Select(t => t.HolderOrganisationId!.Value).Append(item.SubmitterOrganisationId).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => holders.Contains(o.Id)).ToDictionaryAsync(o => o.Id.Value, o => o.Name, cancellationToken);
        return new ItemView(
            item, alliance, names.GetValueOrDefault(item.SubmitterOrganisationId.Value, ""),
            [.. tasks.Where(t => t.IsOpen).OrderBy(t => t.OpenedUtc).Select(t => ItemsApi.Step(t, nowUtc))],
            [.. tasks.Where(t => !t.IsOpen).OrderBy(t => t.ClosedUtc).Select(t => ItemsApi.Step(t, nowUtc))],
            names, events);
    }

    public static string EventText(string type) => type switch
    {
        "ItemSubmitted" => UiText.L("提交事项", "Submitted"),
        "ItemStatusChanged" => UiText.L("状态变更", "Status changed"),
        "TaskAssigned" => UiText.L("派发任务", "Task assigned"),
        "TaskClaimed" => UiText.L("认领任务", "Task claimed"),
        "TaskCompleted" => UiText.L("办结任务", "Task completed"),
        "ItemOverdue" => UiText.L("超期", "Overdue"),
        "ItemEscalated" => UiText.L("上报督办", "Escalated"),
        "ItemClosed" => UiText.L("事项办结", "Closed"),
        _ => type,
    };
}
