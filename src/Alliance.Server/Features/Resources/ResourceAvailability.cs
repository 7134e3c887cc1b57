using Alliance.Server.Features.Alliances;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Resources;

/// <summary>
/// Which resources are free for a whole slot: open (per their hours, in their alliance's time zone), not in emergency use,
/// and not taken (an exclusive one: no pending or confirmed booking overlaps; a shared one: room left at the busiest moment).
/// </summary>
public static class ResourceAvailability
{
    public static async Task<HashSet<ResourceId>> FreeAsync(
        AllianceDbContext db, IReadOnlyCollection<Resource> resources, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(resources);
        var zones = await TimeZonesAsync(db, resources.Select(r => r.AllianceId), cancellationToken);
        var ids = resources.Select(r => r.Id).ToList();
        var (fromUtc, toUtc) = (from.UtcDateTime, to.UtcDateTime);
        var booked = (await db.Set<Booking>().AsNoTracking()
                .Where(b => ids.Contains(b.ResourceId) && (b.Status == BookingStatus.Pending || b.Status == BookingStatus.Confirmed) && b.StartUtc < toUtc && b.EndUtc > fromUtc)
                .Select(b => new { b.ResourceId, b.StartUtc, b.EndUtc, b.HeadCount }).ToListAsync(cancellationToken))
            .ToLookup(b => b.ResourceId);
        var inEmergency = (await db.Set<ResourceEmergency>().AsNoTracking()
            .Where(e => ids.Contains(e.ResourceId) && e.EndedUtc == null && e.FromUtc < toUtc && e.ToUtc > fromUtc)
            .Select(e => e.ResourceId).ToListAsync(cancellationToken)).ToHashSet();
        var free = new HashSet<ResourceId>();
        foreach (var resource in resources)
        {
            var (start, end, _) = OpeningSchedule.Local(resource, from, to, zones[resource.AllianceId]);
            var taken = booked[resource.Id].ToList();
            var peak = taken.Select(b => b.StartUtc < fromUtc ? fromUtc : b.StartUtc)
                .Select(at => taken.Where(b => b.StartUtc <= at && b.EndUtc > at).Sum(b => b.HeadCount)).DefaultIfEmpty(0).Max();
            var full = resource.Exclusive ? taken.Count > 0 : peak >= resource.Capacity;
            if (!full && !inEmergency.Contains(resource.Id) && OpeningSchedule.Check(resource, start, end) == OpeningCheck.Open)
            {
                free.Add(resource.Id);
            }
        }

        return free;
    }

    public static async Task<Dictionary<AllianceId, TimeZoneInfo>> TimeZonesAsync(AllianceDbContext db, IEnumerable<AllianceId> alliances, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = alliances.Distinct().ToList();
        var rules = await db.Alliances.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.Rules.TimeZone }).ToListAsync(cancellationToken);
        return rules.ToDictionary(r => r.Id, r => TimeZoneInfo.FindSystemTimeZoneById(r.TimeZone));
    }
}
