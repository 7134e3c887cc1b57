using Alliance.Server.Features.Commitments;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Meetings;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Reports;

/// <summary>
/// The figures recomputed from the stored rows (<see cref="FigureSources"/> over every row), beside the figures kept by
/// the deltas. They are equal after every commit (the property test checks it); <see cref="RebuildAsync"/> writes the
/// recomputation as the figures, for a store that has rows but no figures yet (a database from before the figures).
/// </summary>
public static class FigureRebuild
{
    /// <summary>The unit that did a joint task's work: the holder of its latest work step.</summary>
    public static OrganisationId? Worker(IEnumerable<ItemTask> workTasks) =>
        workTasks.OrderByDescending(t => t.OpenedUtc).Select(t => t.HolderOrganisationId).FirstOrDefault(h => h is not null);

    /// <summary>Every figure, recomputed from the stored rows; zeros left out.</summary>
    public static async Task<Dictionary<FigureKey, long>> RecomputeAsync(AllianceDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var facts = await StoredFacts.LoadAsync(db, cancellationToken);
        var figures = new Dictionary<FigureKey, long>();
        void Add(FigureKey key, long value) => figures[key] = figures.GetValueOrDefault(key) + value;
        async Task AllAsync<T>(IQueryable<T> rows)
            where T : class
        {
            await foreach (var row in rows.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                await FigureSources.AddAsync(row, facts, Add);
            }
        }

        await AllAsync(db.Set<Item>());
        await AllAsync(db.Set<ItemTask>());
        await AllAsync(db.Set<SupervisionEntry>());
        await AllAsync(db.Set<Commitment>());
        await AllAsync(db.Set<CommitmentPeriod>());
        await AllAsync(db.Set<Resource>());
        await AllAsync(db.Set<Booking>());
        await AllAsync(db.Set<Meeting>());
        await AllAsync(db.Set<MeetingMember>());
        await AllAsync(db.Set<AgendaPoint>());
        return figures.Where(f => f.Value != 0).ToDictionary();
    }

    /// <summary>Every figure as the deltas keep it; zeros left out.</summary>
    public static async Task<Dictionary<FigureKey, long>> KeptAsync(AllianceDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var sums = await db.Set<FigureDelta>().AsNoTracking()
            .GroupBy(d => new { d.AllianceId, d.OrganisationId, d.Month, d.Metric, d.Dimension })
            .Select(g => new { g.Key, Value = g.Sum(d => d.Value) })
            .ToListAsync(cancellationToken);
        return sums.Where(s => s.Value != 0)
            .ToDictionary(s => new FigureKey(s.Key.AllianceId, s.Key.OrganisationId, s.Key.Month, s.Key.Metric, s.Key.Dimension), s => s.Value);
    }

    /// <summary>
    /// Replaces the figures with their recomputation, in one transaction that keeps every other writer of figures out
    /// (PostgreSQL: an exclusive lock on the deltas, taken before anything is read; SQLite: its write lock).
    /// </summary>
    public static async Task RebuildAsync(AllianceDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async cancel =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancel);
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlRawAsync("LOCK TABLE figure_deltas IN EXCLUSIVE MODE", cancel);
            }

            await db.Set<FigureDelta>().ExecuteDeleteAsync(cancel);
            foreach (var (key, value) in await RecomputeAsync(db, cancel))
            {
                db.Add(new FigureDelta
                {
                    AllianceId = key.AllianceId, OrganisationId = key.OrganisationId, Month = key.Month, Metric = key.Metric, Dimension = key.Dimension, Value = value,
                });
            }

            await db.SaveChangesAsync(cancel);
            await transaction.CommitAsync(cancel);
            db.ChangeTracker.Clear();
        }, cancellationToken);
    }

    /// <summary>At start-up: a store with items but no figures (made before the figures existed) gets them recomputed once.</summary>
    public static async Task RebuildFiguresIfMissingAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        if (!await db.Set<FigureDelta>().AnyAsync(cancellationToken) && await db.Set<Item>().AnyAsync(cancellationToken))
        {
            await RebuildAsync(db, cancellationToken);
        }
    }

    /// <summary>The facts of the stored rows, loaded once.</summary>
    private sealed class StoredFacts : IFigureFacts
    {
        private Dictionary<ItemId, ItemFacts> _items = [];
        private Dictionary<ItemId, OrganisationId?> _workers = [];
        private Dictionary<ResourceId, ResourceFacts> _resources = [];
        private Dictionary<MeetingId, MeetingFacts> _meetings = [];
        private Dictionary<CommitmentId, CommitmentFacts> _commitments = [];

        public static async Task<StoredFacts> LoadAsync(AllianceDbContext db, CancellationToken cancellationToken) => new()
        {
            _items = await db.Set<Item>().AsNoTracking().ToDictionaryAsync(i => i.Id, i => new ItemFacts(i.AllianceId, i.Kind, i.SubmitterOrganisationId), cancellationToken),
            _workers = (await db.Set<ItemTask>().AsNoTracking().Where(t => (t.Step == "work" || t.Step == "work-late") && t.HolderOrganisationId != null).ToListAsync(cancellationToken))
                .GroupBy(t => t.ItemId).ToDictionary(g => g.Key, Worker),
            _resources = await db.Set<Resource>().AsNoTracking().ToDictionaryAsync(r => r.Id, r => new ResourceFacts(r.AllianceId, r.OwnerId, r.Kind), cancellationToken),
            _meetings = await db.Set<Meeting>().AsNoTracking()
                .ToDictionaryAsync(m => m.Id, m => new MeetingFacts(m.AllianceId, m.HostOrganisationId, m.StartsUtc, FigureSources.Held(m.Status)), cancellationToken),
            _commitments = await db.Set<Commitment>().AsNoTracking().ToDictionaryAsync(c => c.Id, c => new CommitmentFacts(c.AllianceId, c.UnitId), cancellationToken),
        };

        public ValueTask<ItemFacts?> ItemAsync(ItemId id) => ValueTask.FromResult(_items.GetValueOrDefault(id));

        public ValueTask<OrganisationId?> WorkerAsync(ItemId id) => ValueTask.FromResult(_workers.GetValueOrDefault(id));

        public ValueTask<ResourceFacts?> ResourceAsync(ResourceId id) => ValueTask.FromResult(_resources.GetValueOrDefault(id));

        public ValueTask<MeetingFacts?> MeetingAsync(MeetingId id) => ValueTask.FromResult(_meetings.GetValueOrDefault(id));

        public ValueTask<CommitmentFacts?> CommitmentAsync(CommitmentId id) => ValueTask.FromResult(_commitments.GetValueOrDefault(id));
    }
}
