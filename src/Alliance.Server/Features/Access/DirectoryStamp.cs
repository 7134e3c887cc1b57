using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Access;

/// <summary>
/// One row that names the current state of the directory an access scope is built from: the organisation tree, the
/// alliances' hosts and the active memberships. Every SaveChanges that adds, changes or deletes one of those rows also
/// writes a new random stamp (<see cref="DirectoryStampInterceptor"/>), in the same transaction; so a node that has the
/// directory cached under the stamp it reads now has it as committed, on every node (<see cref="DirectoryCache"/>).
/// </summary>
public sealed class DirectoryStamp
{
    /// <summary>The one row's key.</summary>
    public const int RowId = 1;

    /// <summary>The stamp the migration writes.</summary>
    public static readonly Guid Initial = new("5c0c6d7e-4a44-4c59-9f1b-7d0f4f0b2a01");

    public int Id { get; init; } = RowId;

    public Guid Stamp { get; set; }
}

internal sealed class DirectoryStampConfiguration : IEntityTypeConfiguration<DirectoryStamp>
{
    public void Configure(EntityTypeBuilder<DirectoryStamp> builder)
    {
        builder.ToTable("directory_stamp");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.HasData(new DirectoryStamp { Id = DirectoryStamp.RowId, Stamp = DirectoryStamp.Initial });
    }
}

/// <summary>
/// Writes a new <see cref="DirectoryStamp"/> in every SaveChanges that adds, changes or deletes an organisation, an
/// alliance or a membership: the stamp row is saved by that same SaveChanges, so in its transaction, and a rolled-back
/// change leaves the stamp as it was. The directory is written through tracked entities only (no bulk update touches
/// those tables), so this sees every change.
/// </summary>
internal sealed class DirectoryStampInterceptor : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    private static void Stamp(DbContext? db)
    {
        if (db is not AllianceDbContext)
        {
            return;
        }

        db.ChangeTracker.DetectChanges();
        DirectoryStamp? tracked = null;
        var changed = false;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.Entity is DirectoryStamp stamp)
            {
                tracked = stamp;
            }
            else if (entry.Entity is Organisation or PartyAlliance or AllianceMembership
                     && entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            {
                changed = true;
            }
        }

        if (!changed)
        {
            return;
        }

        if (tracked is null)
        {
            tracked = new DirectoryStamp();
            db.Attach(tracked);
        }

        tracked.Stamp = Guid.NewGuid();
        db.Entry(tracked).Property(s => s.Stamp).IsModified = true;
    }
}

/// <summary>
/// The directory an access scope is built from, kept per node and read again only when the stamp has moved: one
/// single-row read per scope instead of three whole tables. The stamp is read before the directory, so what is cached
/// under a stamp is at least as new as the stamp; a change committed in between only costs one more load.
/// </summary>
public sealed class DirectoryCache
{
    private volatile Cached? _cached;

    /// <summary>The directory as committed now.</summary>
    public async Task<ScopeDirectory> GetAsync(AllianceDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stamp = await db.Set<DirectoryStamp>().AsNoTracking().Where(s => s.Id == DirectoryStamp.RowId).Select(s => (Guid?)s.Stamp)
            .SingleOrDefaultAsync(cancellationToken);
        if (stamp is not null && _cached is { } cached && cached.Stamp == stamp)
        {
            return cached.Directory;
        }

        var directory = await ScopeDirectory.LoadAsync(db, cancellationToken);
        if (stamp is not null)
        {
            _cached = new Cached(stamp.Value, directory);
        }

        return directory;
    }

    private sealed record Cached(Guid Stamp, ScopeDirectory Directory);
}

/// <summary>The organisation tree, the alliances' hosts and the active memberships, with their lookups.</summary>
public sealed class ScopeDirectory
{
    private ScopeDirectory(IReadOnlyList<OrganisationId> organisations, ILookup<OrganisationId, OrganisationId> children,
        IReadOnlyList<(AllianceId Id, OrganisationId Host)> alliances, ILookup<AllianceId, OrganisationId> membersOf)
    {
        Organisations = organisations;
        Children = children;
        Alliances = alliances;
        MembersOf = membersOf;
        HostedBy = alliances.ToLookup(a => a.Host, a => a.Id);
    }

    public IReadOnlyList<OrganisationId> Organisations { get; }

    public ILookup<OrganisationId, OrganisationId> Children { get; }

    public IReadOnlyList<(AllianceId Id, OrganisationId Host)> Alliances { get; }

    public ILookup<AllianceId, OrganisationId> MembersOf { get; }

    public ILookup<OrganisationId, AllianceId> HostedBy { get; }

    public static async Task<ScopeDirectory> LoadAsync(AllianceDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var organisations = await db.Organisations.AsNoTracking()
            .Select(o => new { o.Id, o.ParentId })
            .ToListAsync(cancellationToken);
        var alliances = await db.Alliances.AsNoTracking()
            .Select(a => new { a.Id, a.HostOrganisationId })
            .ToListAsync(cancellationToken);
        var memberships = await db.AllianceMemberships.AsNoTracking()
            .Where(m => m.Status == MembershipStatus.Active)
            .Select(m => new { m.AllianceId, m.OrganisationId })
            .ToListAsync(cancellationToken);
        return new ScopeDirectory(
            [.. organisations.Select(o => o.Id)],
            organisations.Where(o => o.ParentId is not null).ToLookup(o => o.ParentId!.Value, o => o.Id),
            [.. alliances.Select(a => (a.Id, a.HostOrganisationId))],
            memberships.ToLookup(m => m.AllianceId, m => m.OrganisationId));
    }
}
