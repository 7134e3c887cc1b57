using Alliance.Server.Infrastructure.Problems;

namespace Alliance.Server.Infrastructure.Api;

/// <summary>
/// The paging values of the contract (<c>docs/api.md</c>), checked for every endpoint by <see cref="StrictParameters"/>:
/// <c>page</c> counts from 1, <c>after</c> is a sequence number from 0, <c>before</c> one from 1, <c>limit</c> is 1 to
/// <see cref="MaxLimit"/> and <c>take</c> (the audit trail) 1 to <see cref="MaxTake"/>.
/// A value out of range is a 400 field error, never silently changed.
/// </summary>
public static class Paging
{
    public const int MaxLimit = 1000;

    public const int MaxPage = 1_000_000;

    public const int MaxTake = 500;

    public static BilingualText? Problem(string name, long value) => name switch
    {
        "page" when value is < 1 or > MaxPage => new($"页码应为 1 到 {MaxPage} 之间的整数。", $"The page must be a whole number from 1 to {MaxPage}."),
        "after" when value < 0 => new("序号应为 0 或更大的整数。", "The sequence number must be 0 or more."),
        "before" when value < 1 => new("序号应为 1 或更大的整数。", "The sequence number must be 1 or more."),
        "take" when value is < 1 or > MaxTake => new($"条数应为 1 到 {MaxTake} 之间的整数。", $"The number to take must be a whole number from 1 to {MaxTake}."),
        "limit" when value is < 1 or > MaxLimit => new($"条数应为 1 到 {MaxLimit} 之间的整数。", $"The limit must be a whole number from 1 to {MaxLimit}."),
        _ => null,
    };
}
