using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Access;

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
        var stamp = await db.Set<DirectoryStamp>().AsNoTracking().Where(s => s.Id == DirectoryStamp.RowId).Select(s => s.Stamp)
            .SingleAsync(cancellationToken); // the migration writes the row
        if (_cached is { } cached && cached.Stamp == stamp)
        {
            return cached.Directory;
        }

        var directory = await ScopeDirectory.LoadAsync(db, cancellationToken);
        _cached = new Cached(stamp, directory);
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
