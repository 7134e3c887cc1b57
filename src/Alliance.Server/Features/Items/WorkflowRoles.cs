using Alliance.Server.Features.Access;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Workflows;
using Alliance.Workflows.Model;

namespace Alliance.Server.Features.Items;

/// <summary>
/// The roles the route definitions name, and which of a person's grants give them. A definition asks for a role in
/// an organisation ("unit" in the claiming unit, "chair" in the street); the caller acts for one of their
/// organisations with every role their grants there give.
/// </summary>
public static class WorkflowRoles
{
    /// <summary>Runs the alliance's business at its host: intake, scope (社区书记/工作人员, 街道书记/工作人员).</summary>
    public const string Secretary = "secretary";

    /// <summary>Chairs the alliance at its host and decides (社区书记, 街道党工委书记).</summary>
    public const string Chair = "chair";

    /// <summary>Acts for a co-building unit (联络员, 党支部书记, 兼职委员).</summary>
    public const string Unit = "unit";

    /// <summary>Anyone holding a role for the organisation (e.g. the requester who verifies the work).</summary>
    public const string Member = "member";

    public static IEnumerable<string> Of(AllianceRole role)
    {
        yield return Member;
        switch (role)
        {
            case AllianceRole.StreetChair or AllianceRole.CommunitySecretary:
                yield return Chair;
                yield return Secretary;
                break;
            case AllianceRole.StreetStaff or AllianceRole.CommunityStaff:
                yield return Secretary;
                break;
            case AllianceRole.UnitContact or AllianceRole.UnitSecretary or AllianceRole.PartTimeMember:
                yield return Unit;
                break;
        }
    }

    /// <summary>The workflow roles the caller holds in each of their organisations.</summary>
    public static Dictionary<OrganisationId, HashSet<string>> ByOrganisation(AccessScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope.Grants.GroupBy(g => g.OrganisationId)
            .ToDictionary(g => g.Key, g => g.SelectMany(grant => Of(grant.Role)).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The actor the caller is on <paramref name="task"/>: as its holder, else for an organisation the task is offered to with the role it asks; null if neither.</summary>
    public static Actor? ActorFor(AccessScope scope, Bookmark task)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(task);
        var me = scope.UserId?.ToString();
        if (me is null)
        {
            return null;
        }

        var roles = ByOrganisation(scope);
        foreach (var (organisation, held) in roles)
        {
            if (task.CandidateRole is not null && held.Contains(task.CandidateRole) && task.IsCandidateOrganisation(organisation.ToString()))
            {
                return new Actor(me, held, organisation.ToString());
            }
        }

        return task.ClaimedBy == me || task.DelegatedTo == me ? new Actor(me, [], null) : null;
    }
}
