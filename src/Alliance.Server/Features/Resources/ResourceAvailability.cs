using Alliance.Server.Features.Alliances;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Resources;

/// <summary>Which resources are free for a whole slot: open (per their hours, in their alliance's time zone) and not taken.</summary>
public static class ResourceAvailability
{
    public static async Task<HashSet<ResourceId>> FreeAsync(
        AllianceDbContext db, IReadOnlyCollection<Resource> resources, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(resources);
        var zones = await TimeZonesAsync(db, resources.Select(r => r.AllianceId), cancellationToken);
        var free = new HashSet<ResourceId>();
        foreach (var resource in resources)
        {
            var (start, end, _) = OpeningSchedule.Local(resource, from, to, zones[resource.AllianceId]);
            if (OpeningSchedule.Check(resource, start, end) == OpeningCheck.Open)
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
