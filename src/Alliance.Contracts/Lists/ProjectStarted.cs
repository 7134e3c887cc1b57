using Alliance.Contracts.Items;

namespace Alliance.Contracts.Lists;

/// <summary>
/// A project (项目清单) matched a community's need with one or more shared resources and started a joint task (实事共办)
/// for the providing unit. An event of that joint task's item (its sequence), written with the project in one transaction.
/// </summary>
public sealed record ProjectStarted(
    Guid ItemId, Guid AllianceId, IReadOnlyList<Guid> Organisations, long Sequence, Guid ProjectId, Guid NeedId, IReadOnlyList<Guid> ResourceIds,
    Guid ProviderUnitId, string Title)
    : ItemEvent(ItemId, AllianceId, Organisations, Sequence);
