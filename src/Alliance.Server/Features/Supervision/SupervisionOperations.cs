using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Supervision.SupervisionApi;

namespace Alliance.Server.Features.Supervision;

/// <summary>督办清单: the code GET /api/supervision and the web UI run. Entries of the streets the caller sees (the
/// district all), and overdue counts per unit the caller can see.</summary>
public static class SupervisionOperations
{
    public static async Task<SupervisionResponse> ListAsync(AccessScope scope, AllianceDbContext db, bool? open, CancellationToken cancellationToken)
    {
        var visible = scope.VisibleOrganisationIds.ToList();
        var entries = db.Set<SupervisionEntry>().AsNoTracking();
        if (!scope.IsDistrictAdmin)
        {
            entries = entries.Where(e => visible.Contains(e.StreetId));
        }

        if (open == true)
        {
            entries = entries.Where(e => e.ResolvedUtc == null);
        }

        var rows = await entries
            .Join(db.Set<Item>(), e => e.ItemId, i => i.Id, (e, i) => new { e, i.Title, i.Kind })
            .OrderByDescending(x => x.e.CreatedUtc).ToListAsync(cancellationToken);
        var taskIds = rows.Select(r => r.e.TaskId).ToList();
        var steps = await db.Set<ItemTask>().AsNoTracking().Where(t => taskIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Step, cancellationToken);

        var late = await db.Set<ItemTask>().AsNoTracking().Where(t => t.OverdueUtc != null).ToListAsync(cancellationToken);
        var counts = late
            .Select(t => (Organisation: t.HolderOrganisationId ?? (t.Candidates().Count() == 1 ? t.Candidates().First() : (OrganisationId?)null), t))
            .Where(x => x.Organisation is { } o && (scope.IsDistrictAdmin || scope.CanSeeOrganisation(o)))
            .GroupBy(x => x.Organisation!.Value)
            .ToList();
        var orgIds = counts.Select(g => g.Key).Concat(rows.Select(r => r.e.ResponsibleOrganisationId).OfType<OrganisationId>()).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        return new SupervisionResponse(
            [.. rows.Select(r => new SupervisionView(r.e.Id, r.e.ItemId, r.Title, r.Kind, r.e.TaskId, steps.GetValueOrDefault(r.e.TaskId), r.e.StreetId,
                r.e.ResponsibleOrganisationId, r.e.ResponsibleOrganisationId is { } o ? names.GetValueOrDefault(o) : null, r.e.DeadlineUtc, r.e.CreatedUtc,
                r.e.ResolvedUtc))],
            [.. counts.Select(g => new OverdueCount(g.Key, names.GetValueOrDefault(g.Key) ?? "", g.Count(), g.Count(x => x.t.IsOpen)))
                .OrderByDescending(c => c.Overdue).ThenBy(c => c.Name, StringComparer.Ordinal)]);
    }
}
