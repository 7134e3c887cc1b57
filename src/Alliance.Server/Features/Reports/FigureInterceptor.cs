using Alliance.Server.Features.Meetings;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Alliance.Server.Features.Reports;

/// <summary>
/// Keeps the figures in the same commit as the change: before every SaveChanges of the server's context it takes the
/// rows that have figures (<see cref="FigureSources"/>) and are added, changed in a way that counts, or deleted, and adds
/// one <see cref="FigureDelta"/> per figure that moves (figures after minus figures before). The deltas are saved by that
/// same SaveChanges, so in the caller's transaction, or the runtime's (the item projection's context joins it). A
/// meeting that is held, moved or reopened moves the figures of its members and points too; a resource moved to another
/// alliance or kind, those of its bookings.
/// </summary>
internal sealed class FigureInterceptor : SaveChangesInterceptor
{
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AllianceDbContext db)
        {
            await AddDeltasAsync(db, cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is AllianceDbContext db)
        {
            AddDeltasAsync(db, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return result;
    }

    private static async ValueTask AddDeltasAsync(AllianceDbContext db, CancellationToken cancellationToken)
    {
        var tracker = db.ChangeTracker;
        tracker.DetectChanges();
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            var changed = new List<EntityEntry>();
            foreach (var entry in tracker.Entries())
            {
                if (entry.Entity is FigureDelta && entry.State == EntityState.Added)
                {
                    // left over from a SaveChanges that failed: this one counts the same changes afresh
                    entry.State = EntityState.Detached;
                }
                else if (FigureSources.Types.Contains(entry.Entity.GetType()) && Counts(entry))
                {
                    changed.Add(entry);
                }
            }

            if (changed.Count == 0)
            {
                return;
            }

            var net = new Dictionary<FigureKey, long>();
            var before = new TrackedFigureFacts(db, original: true);
            var after = new TrackedFigureFacts(db, original: false);
            foreach (var entry in changed)
            {
                if (entry.State != EntityState.Added)
                {
                    await FigureSources.AddAsync(entry.OriginalValues.ToObject(), before, (key, value) => Add(net, key, -value));
                }

                if (entry.State != EntityState.Deleted)
                {
                    await FigureSources.AddAsync(entry.Entity, after, (key, value) => Add(net, key, value));
                }
            }

            await CascadeAsync(db, changed, before, after, net, cancellationToken);
            foreach (var (key, value) in net.Where(n => n.Value != 0).OrderBy(n => n.Key.Metric, StringComparer.Ordinal))
            {
                db.Add(new FigureDelta
                {
                    AllianceId = key.AllianceId, OrganisationId = key.OrganisationId, Month = key.Month, Metric = key.Metric, Dimension = key.Dimension, Value = value,
                });
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    private static void Add(Dictionary<FigureKey, long> net, FigureKey key, long value) =>
        net[key] = net.GetValueOrDefault(key) + value;

    /// <summary>Added and deleted rows always count; a changed row only if a property its figures read changed.</summary>
    private static bool Counts(EntityEntry entry) => entry.State switch
    {
        EntityState.Added or EntityState.Deleted => true,
        EntityState.Modified => FigureSources.Relevant.TryGetValue(entry.Entity.GetType(), out var names) && names.Any(n => entry.Property(n).IsModified),
        _ => false,
    };

    /// <summary>Rows whose figures read a changed meeting or resource, and which did not change themselves, move with it.</summary>
    private static async Task CascadeAsync(
        AllianceDbContext db, List<EntityEntry> changed, TrackedFigureFacts before, TrackedFigureFacts after, Dictionary<FigureKey, long> net, CancellationToken cancellationToken)
    {
        var meetings = changed.Where(e => e is { Entity: Meeting, State: EntityState.Modified or EntityState.Deleted }).Select(e => ((Meeting)e.Entity).Id).ToList();
        if (meetings.Count > 0)
        {
            var members = changed.Select(e => e.Entity).OfType<MeetingMember>().Select(m => (m.MeetingId, m.OrganisationId)).ToHashSet();
            var points = changed.Select(e => e.Entity).OfType<AgendaPoint>().Select(p => p.Id).ToHashSet();
            var rows = new List<object>();
            rows.AddRange((await db.Set<MeetingMember>().AsNoTracking().Where(m => meetings.Contains(m.MeetingId)).ToListAsync(cancellationToken))
                .Where(m => !members.Contains((m.MeetingId, m.OrganisationId))));
            rows.AddRange((await db.Set<AgendaPoint>().AsNoTracking().Where(p => meetings.Contains(p.MeetingId)).ToListAsync(cancellationToken))
                .Where(p => !points.Contains(p.Id)));
            await MoveAsync(rows, before, after, net);
        }

        var resources = changed.Where(e => e is { Entity: Resource, State: EntityState.Modified }
            && (e.Property(nameof(Resource.AllianceId)).IsModified || e.Property(nameof(Resource.Kind)).IsModified)).Select(e => ((Resource)e.Entity).Id).ToList();
        if (resources.Count > 0)
        {
            var bookings = changed.Select(e => e.Entity).OfType<Booking>().Select(b => b.Id).ToHashSet();
            var rows = (await db.Set<Booking>().AsNoTracking().Where(b => resources.Contains(b.ResourceId)).ToListAsync(cancellationToken))
                .Where(b => !bookings.Contains(b.Id)).Cast<object>().ToList();
            await MoveAsync(rows, before, after, net);
        }
    }

    private static async Task MoveAsync(List<object> rows, TrackedFigureFacts before, TrackedFigureFacts after, Dictionary<FigureKey, long> net)
    {
        foreach (var row in rows)
        {
            await FigureSources.AddAsync(row, before, (key, value) => Add(net, key, -value));
            await FigureSources.AddAsync(row, after, (key, value) => Add(net, key, value));
        }
    }
}
