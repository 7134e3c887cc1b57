using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Meetings;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Ui.Pages.Meetings;

/// <summary>
/// The schedule form's alliances: the active ones the person chairs (the chair role at the alliance's host, the rule
/// <see cref="MeetingOperations.ScheduleAsync"/> applies). Read for names only; scheduling is the operation's.
/// </summary>
public static class MeetingChoices
{
    public static async Task<IReadOnlyList<(AllianceId Id, string Name)>> ChairedAsync(AllianceDbContext db, AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        var visible = scope.VisibleAllianceIds.ToList();
        var alliances = await db.Alliances.AsNoTracking()
            .Where(a => a.Status == AllianceStatus.Active && visible.Contains(a.Id))
            .OrderBy(a => a.Name).Select(a => new { a.Id, a.Name, a.HostOrganisationId }).ToListAsync(cancellationToken);
        return [.. alliances.Where(a => MeetingOperations.IsChair(scope, a.HostOrganisationId)).Select(a => (a.Id, a.Name))];
    }

    /// <summary>
    /// The schedule form's venues: the shared venues in the person's scope (the catalogue's search, every page), by
    /// name. Whether one can be booked for the meeting (hours, capacity, a taken slot) is the booking route's answer.
    /// </summary>
    public static async Task<IReadOnlyList<ResourcesApi.ResourceResponse>> VenuesAsync(AllianceDbContext db, AccessScope scope, CancellationToken cancellationToken)
    {
        var venues = new List<ResourcesApi.ResourceResponse>();
        for (var page = 1; ; page++)
        {
            var found = await ResourceCatalogue.SearchAsync(scope, db, new ResourceFilter(Kind: "venue", Page: page), cancellationToken);
            venues.AddRange(found.Items);
            if (found.Items.Count == 0 || venues.Count >= found.Total)
            {
                return venues;
            }
        }
    }
}
