using Alliance.Server.Features.Access;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Lists;

/// <summary>
/// Suggests resources for a need (docs/architecture.md, "Three lists"). Candidates are the active resources the caller
/// can see whose categories include the need's, or whose owner is in the need's community. Each gets a score out of 100,
/// one part per criterion, each with its reason:
/// <list type="bullet">
/// <item>category, 40: the need's category is one of the resource's categories, else 0;</item>
/// <item>place, 30: owned by the need's community or a unit located in it 30, elsewhere in the same street 15, else 0;</item>
/// <item>capacity, 20: capacity at least the head count 20, else 20 × capacity ÷ head count, rounded down;</item>
/// <item>availability, 10: available in the wanted period (<see cref="AvailableAsync"/>), else 0.</item>
/// </list>
/// Ordered by score, then category match, then place, then capacity (larger first), then name.
/// </summary>
public static class NeedMatching
{
    public const int CategoryWeight = 40;
    public const int SameCommunity = 30;
    public const int SameStreet = 15;
    public const int CapacityWeight = 20;
    public const int AvailabilityWeight = 10;

    public sealed record Criterion(string Name, int Score, int Max, bool Met, string ReasonZh, string ReasonEn);

    public sealed record Match(
        ResourceId ResourceId, string Name, ResourceKind Kind, OrganisationId OwnerId, string? OwnerName, IReadOnlyList<string> Categories, int Capacity,
        string Address, int Score, IReadOnlyList<Criterion> Criteria);

    public static async Task<List<Match>> RankAsync(AllianceDbContext db, AccessScope scope, Need need, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(need);
        var visible = await ResourcesApi.Visible(db, scope).Where(r => r.Status == ResourceStatus.Active).ToListAsync(cancellationToken);
        var ownerIds = visible.Select(r => r.OwnerId).Distinct().ToList();
        var owners = await db.Organisations.AsNoTracking().Where(o => ownerIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, cancellationToken);
        bool InCommunity(Resource r) => r.OwnerId == need.CommunityId || (owners.TryGetValue(r.OwnerId, out var o) && o.ParentId == need.CommunityId);
        var candidates = visible.Where(r => r.Categories.Contains(need.Category, StringComparer.Ordinal) || InCommunity(r)).ToList();
        var zones = await ResourceAvailability.TimeZonesAsync(db, candidates.Select(r => r.AllianceId), cancellationToken);
        var free = new HashSet<ResourceId>();
        foreach (var resource in candidates)
        {
            if (await AvailableAsync(db, resource, zones[resource.AllianceId], need.WantedFromUtc, need.WantedToUtc, cancellationToken))
            {
                free.Add(resource.Id);
            }
        }

        return [.. candidates
            .Select(r => Score(need, r, owners.GetValueOrDefault(r.OwnerId), InCommunity(r), free.Contains(r.Id)))
            .OrderByDescending(m => m.Score)
            .ThenByDescending(m => m.Criteria[0].Score)
            .ThenByDescending(m => m.Criteria[1].Score)
            .ThenByDescending(m => m.Capacity)
            .ThenBy(m => m.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Whether the resource can serve the wanted period. A period of at most a day is one slot: widened to the resource's
    /// booking grain (a need from 09:00 to 11:00 fits a half-day slot from 08:00 to 12:00), it must be free as a whole. A
    /// longer period (e.g. a month) needs one free slot of the resource's grain within its opening hours in the period.
    /// "Free" is the registry's own check (<see cref="ResourceAvailability.FreeAsync"/>): open per the weekly hours and
    /// exception dates, in no emergency use (平急转换), and not taken (an exclusive resource: no pending or confirmed booking
    /// overlaps; a shared one: room left at the busiest moment).
    /// </summary>
    public static async Task<bool> AvailableAsync(AllianceDbContext db, Resource resource, TimeZoneInfo zone, DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(zone);
        var grain = TimeSpan.FromMinutes(Math.Max(1, resource.SlotMinutes));
        var start = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(fromUtc, DateTimeKind.Utc), zone);
        var end = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(toUtc, DateTimeKind.Utc), zone);
        Task<bool> FreeAsync(DateTime localFrom, DateTime localTo) => Free(db, resource, zone, localFrom, localTo, cancellationToken);
        if (end - start <= TimeSpan.FromDays(1))
        {
            return await FreeAsync(Floor(start, grain), Ceiling(end, grain));
        }

        for (var day = start.Date; day <= end.Date; day = day.AddDays(1))
        {
            var exception = resource.Exceptions.FirstOrDefault(e => e.Date == DateOnly.FromDateTime(day));
            if (exception is { Closed: true })
            {
                continue;
            }

            var periods = exception is not null
                ? (exception.Periods ?? []).Select(p => (p.From, p.To))
                : resource.OpeningHours.Where(p => p.Day == day.DayOfWeek).Select(p => (p.From, p.To));
            foreach (var (open, close) in periods)
            {
                var slot = Ceiling(Max(day + open.ToTimeSpan(), start), grain);
                var until = Min(day + (close == TimeOnly.MinValue ? TimeSpan.FromDays(1) : close.ToTimeSpan()), end);
                if (slot + grain <= until && await FreeAsync(slot, slot + grain))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static async Task<bool> Free(AllianceDbContext db, Resource resource, TimeZoneInfo zone, DateTime localFrom, DateTime localTo, CancellationToken cancellationToken)
    {
        var from = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(localFrom, DateTimeKind.Unspecified), zone));
        var to = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(localTo, DateTimeKind.Unspecified), zone));
        return (await ResourceAvailability.FreeAsync(db, [resource], from, to, cancellationToken)).Contains(resource.Id);
    }

    private static DateTime Floor(DateTime local, TimeSpan grain) => local.Date + TimeSpan.FromTicks(local.TimeOfDay.Ticks / grain.Ticks * grain.Ticks);

    private static DateTime Ceiling(DateTime local, TimeSpan grain)
    {
        var floor = Floor(local, grain);
        return floor == local ? local : floor + grain;
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    public static Match Score(Need need, Resource resource, Organisation? owner, bool inCommunity, bool available)
    {
        ArgumentNullException.ThrowIfNull(need);
        ArgumentNullException.ThrowIfNull(resource);
        var category = resource.Categories.Contains(need.Category, StringComparer.Ordinal)
            ? new Criterion("category", CategoryWeight, CategoryWeight, true, $"类别相符：{need.Category}", $"Category matches: {need.Category}")
            : new Criterion("category", 0, CategoryWeight, false, $"类别不符：资源类别为{string.Join("、", resource.Categories)}",
                $"Category differs: the resource offers {string.Join(", ", resource.Categories)}");
        var place = inCommunity
            ? new Criterion("place", SameCommunity, SameCommunity, true, "位于需求所在社区", "In the need's community")
            : resource.StreetId == need.StreetId
                ? new Criterion("place", SameStreet, SameCommunity, true, "位于同一街道", "In the same street")
                : new Criterion("place", 0, SameCommunity, false, "位于其他街道", "In another street");
        var capacity = resource.Capacity >= need.HeadCount
            ? new Criterion("capacity", CapacityWeight, CapacityWeight, true, $"容量 {resource.Capacity} 满足 {need.HeadCount} 人",
                $"Capacity {resource.Capacity} covers {need.HeadCount} people")
            : new Criterion("capacity", CapacityWeight * resource.Capacity / Math.Max(1, need.HeadCount), CapacityWeight, false,
                $"容量 {resource.Capacity} 不足 {need.HeadCount} 人", $"Capacity {resource.Capacity} is short of {need.HeadCount} people");
        var availability = available
            ? new Criterion("availability", AvailabilityWeight, AvailabilityWeight, true, "需求时段内开放可用", "Open and free in the wanted period")
            : new Criterion("availability", 0, AvailabilityWeight, false, "需求时段内不开放或已被占用", "Closed or taken during the wanted period");
        Criterion[] criteria = [category, place, capacity, availability];
        return new Match(resource.Id, resource.Name, resource.Kind, resource.OwnerId, owner?.Name, resource.Categories, resource.Capacity, resource.Address,
            criteria.Sum(c => c.Score), criteria);
    }
}
