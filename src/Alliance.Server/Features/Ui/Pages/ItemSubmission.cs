using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Ui.Pages;

public sealed record AllianceChoice(AllianceId Id, string Name, IReadOnlyList<string> Categories);

/// <summary>
/// Submitting an item from the form: <see cref="ItemOperations.SubmitAsync"/>, the code <c>POST /api/items</c> runs, so
/// the form reports exactly the API's per-field errors and nothing is stored until they are all fixed. A form carries
/// an idempotency key from when it was drawn; the operation answers a second submission with that key (a double tap,
/// a resend after a dropped connection) with the item the first one created.
/// </summary>
public static class ItemSubmission
{
    /// <summary>Active alliances the person can submit to: those whose host or one of whose members they act for.</summary>
    public static async Task<IReadOnlyList<AllianceChoice>> AlliancesAsync(AllianceDbContext db, AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        var acting = scope.ActingOrganisationIds.ToList();
        var memberOf = await db.AllianceMemberships.AsNoTracking()
            .Where(m => m.Status == MembershipStatus.Active && acting.Contains(m.OrganisationId)).Select(m => m.AllianceId).ToListAsync(cancellationToken);
        var alliances = await db.Alliances.AsNoTracking()
            .Where(a => a.Status == AllianceStatus.Active && (acting.Contains(a.HostOrganisationId) || memberOf.Contains(a.Id)))
            .OrderBy(a => a.Name).ToListAsync(cancellationToken);
        return [.. alliances.Where(a => scope.CanSeeAlliance(a.Id)).Select(a => new AllianceChoice(a.Id, a.Name, a.Rules.Categories))];
    }

    /// <summary>The idempotency key of a form: the person's own, so two people's keys never meet.</summary>
    public static string KeyOf(AccessScope scope, Guid formKey)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return $"ui-form:{formKey:N}";
    }
}
