using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Live;

/// <summary>
/// Who may read one kind of stream. A feature registers its kind with
/// <see cref="LiveSetup.AddStreamKind{TKind}"/> (e.g. the items feature registers <c>item</c>); a stream of a kind
/// nobody registered is refused. The rule must be the one the feature's REST API applies to the same thing.
/// </summary>
public interface IStreamKind
{
    string Name { get; }

    Task<bool> CanReadAsync(AccessScope scope, Guid key, CancellationToken cancellationToken);
}

/// <summary>Decides whether a caller may watch or replay a stream (the hub and the REST API ask the same).</summary>
public sealed class StreamAccess(IEnumerable<IStreamKind> kinds)
{
    private readonly Dictionary<string, IStreamKind> _kinds = kinds.ToDictionary(k => k.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Kinds => _kinds.Keys;

    public Task<bool> CanReadAsync(AccessScope scope, StreamId stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope.IsAuthenticated && _kinds.TryGetValue(stream.Kind, out var kind)
            ? kind.CanReadAsync(scope, stream.Key, cancellationToken)
            : Task.FromResult(false);
    }
}

/// <summary><c>alliance:{id}</c>: whoever can see the alliance (its host's people and every member's people).</summary>
public sealed class AllianceStreamKind : IStreamKind
{
    public string Name => StreamId.Alliance;

    public Task<bool> CanReadAsync(AccessScope scope, Guid key, CancellationToken cancellationToken) =>
        Task.FromResult(scope.CanSeeAlliance(new AllianceId(key)));
}

/// <summary><c>inbox:{organisationId}</c>: the people who act for that organisation (its own inbox only).</summary>
public sealed class InboxStreamKind : IStreamKind
{
    public string Name => StreamId.Inbox;

    public Task<bool> CanReadAsync(AccessScope scope, Guid key, CancellationToken cancellationToken) =>
        Task.FromResult(scope.CanActFor(new OrganisationId(key)));
}

/// <summary>
/// <c>supervision:{streetOrDistrictId}</c>: the supervision list of a street (its chair and staff, and the
/// district administrator) or of the district (the district administrator).
/// </summary>
public sealed class SupervisionStreamKind(AllianceDbContext db) : IStreamKind
{
    public string Name => StreamId.Supervision;

    public async Task<bool> CanReadAsync(AccessScope scope, Guid key, CancellationToken cancellationToken)
    {
        var id = new OrganisationId(key);
        if (!scope.CanSeeOrganisation(id))
        {
            return false;
        }

        var kind = await db.Organisations.AsNoTracking().Where(o => o.Id == id).Select(o => (OrganisationKind?)o.Kind).SingleOrDefaultAsync(cancellationToken);
        return kind switch
        {
            OrganisationKind.District => scope.IsDistrictAdmin,
            OrganisationKind.Street => scope.IsDistrictAdmin
                || scope.HasRole(AllianceRole.StreetChair, id)
                || scope.HasRole(AllianceRole.StreetStaff, id),
            _ => false,
        };
    }
}
