using Alliance.Server.Features.Commitments;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Meetings;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Alliance.Server.Features.Reports;

/// <summary>
/// The facts of one side of a SaveChanges: a row tracked by the context gives its original values (<paramref name="original"/>)
/// or its current ones; any other row is read from the store (no tracking), once per SaveChanges.
/// </summary>
internal sealed class TrackedFigureFacts(AllianceDbContext db, bool original) : IFigureFacts
{
    private readonly Dictionary<ItemId, ItemFacts?> _items = [];
    private readonly Dictionary<ItemId, OrganisationId?> _workers = [];
    private readonly Dictionary<ResourceId, ResourceFacts?> _resources = [];
    private readonly Dictionary<MeetingId, MeetingFacts?> _meetings = [];
    private readonly Dictionary<CommitmentId, CommitmentFacts?> _commitments = [];

    public async ValueTask<ItemFacts?> ItemAsync(ItemId id)
    {
        if (!_items.TryGetValue(id, out var facts))
        {
            // what an item's figures read of it never changes after it is added
            facts = Tracked<Item>(i => i.Id == id) is { } entry
                ? new ItemFacts(entry.Entity.AllianceId, entry.Entity.Kind, entry.Entity.SubmitterOrganisationId)
                : await db.Set<Item>().AsNoTracking().Where(i => i.Id == id).Select(i => new ItemFacts(i.AllianceId, i.Kind, i.SubmitterOrganisationId)).SingleOrDefaultAsync();
            _items[id] = facts;
        }

        return facts;
    }

    public async ValueTask<OrganisationId?> WorkerAsync(ItemId id)
    {
        if (!_workers.TryGetValue(id, out var worker))
        {
            var tracked = db.ChangeTracker.Entries<ItemTask>().Select(e => e.Entity)
                .Where(t => t.ItemId == id && (t.Step == "work" || t.Step == "work-late") && t.HolderOrganisationId != null).ToList();
            var stored = await db.Set<ItemTask>().AsNoTracking()
                .Where(t => t.ItemId == id && (t.Step == "work" || t.Step == "work-late") && t.HolderOrganisationId != null).ToListAsync();
            worker = FigureRebuild.Worker(stored.Where(s => tracked.All(t => t.Id != s.Id)).Concat(tracked));
            _workers[id] = worker;
        }

        return worker;
    }

    public async ValueTask<ResourceFacts?> ResourceAsync(ResourceId id)
    {
        if (!_resources.TryGetValue(id, out var facts))
        {
            facts = Tracked<Resource>(r => r.Id == id) is { } entry
                ? new ResourceFacts(Value(entry, r => r.AllianceId), entry.Entity.OwnerId, Value(entry, r => r.Kind))
                : await db.Set<Resource>().AsNoTracking().Where(r => r.Id == id).Select(r => new ResourceFacts(r.AllianceId, r.OwnerId, r.Kind)).SingleOrDefaultAsync();
            _resources[id] = facts;
        }

        return facts;
    }

    public async ValueTask<MeetingFacts?> MeetingAsync(MeetingId id)
    {
        if (!_meetings.TryGetValue(id, out var facts))
        {
            facts = Tracked<Meeting>(m => m.Id == id) is { } entry
                ? new MeetingFacts(entry.Entity.AllianceId, entry.Entity.HostOrganisationId, Value(entry, m => m.StartsUtc), FigureSources.Held(Value(entry, m => m.Status)))
                : await db.Set<Meeting>().AsNoTracking().Where(m => m.Id == id)
                    .Select(m => new MeetingFacts(m.AllianceId, m.HostOrganisationId, m.StartsUtc, m.Status == MeetingStatus.Closed || m.Status == MeetingStatus.MinutesPublished))
                    .SingleOrDefaultAsync();
            _meetings[id] = facts;
        }

        return facts;
    }

    public async ValueTask<CommitmentFacts?> CommitmentAsync(CommitmentId id)
    {
        if (!_commitments.TryGetValue(id, out var facts))
        {
            facts = Tracked<Commitment>(c => c.Id == id) is { } entry
                ? new CommitmentFacts(entry.Entity.AllianceId, entry.Entity.UnitId)
                : await db.Set<Commitment>().AsNoTracking().Where(c => c.Id == id).Select(c => new CommitmentFacts(c.AllianceId, c.UnitId)).SingleOrDefaultAsync();
            _commitments[id] = facts;
        }

        return facts;
    }

    private EntityEntry<T>? Tracked<T>(Func<T, bool> match)
        where T : class => db.ChangeTracker.Entries<T>().FirstOrDefault(e => e.State != EntityState.Detached && match(e.Entity));

    /// <summary>The side's value of a property: the original one of a row that was stored before, else the current one.</summary>
    private TValue Value<T, TValue>(EntityEntry<T> entry, global::System.Linq.Expressions.Expression<Func<T, TValue>> property)
        where T : class
    {
        var p = entry.Property(property);
        return original && entry.State != EntityState.Added ? p.OriginalValue : p.CurrentValue;
    }
}
