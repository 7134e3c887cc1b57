using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Ui.Pages;

public sealed record ItemView(ItemsApi.ItemDetail Item, string AllianceName, IReadOnlyDictionary<Guid, string> OrganisationNames);

/// <summary>
/// One item as its page shows it: <see cref="ItemOperations.GetAsync"/> (the code <c>GET /api/items/{id}</c> runs, so
/// out of scope is the same <see cref="Infrastructure.Problems.NotFoundProblem"/>), plus the names of the alliance and
/// of the organisations it mentions.
/// </summary>
public static class ItemViews
{
    public static async Task<ItemView> ReadAsync(IServiceProvider services, AccessScope scope, ItemId id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var item = await services.GetRequiredService<ItemOperations>().GetAsync(scope, id, cancellationToken);
        var db = services.GetRequiredService<AllianceDbContext>();
        var alliance = await db.Alliances.AsNoTracking().Where(a => a.Id == item.AllianceId).Select(a => a.Name).SingleOrDefaultAsync(cancellationToken) ?? "";
        var mentioned = item.CurrentSteps.Concat(item.PastSteps).Where(t => t.HolderOrganisationId is not null).Select(t => t.HolderOrganisationId!.Value)
            .Append(item.SubmitterOrganisationId).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => mentioned.Contains(o.Id)).ToDictionaryAsync(o => o.Id.Value, o => o.Name, cancellationToken);
        return new ItemView(item, alliance, names);
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
