using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Alliance.Server.Features.Ui.Pages;

public sealed record AllianceChoice(AllianceId Id, string Name);

/// <summary>
/// Submitting an item from the form. The checks and the start of the route are the items feature's own (the same
/// code <c>POST /api/items</c> runs), so the form reports exactly the API's per-field errors and nothing is stored
/// until they are all fixed. A form carries an idempotency key from when it was drawn: the same key sent twice (a
/// double tap, a resend after a dropped connection) answers the item the first one created.
/// </summary>
public sealed class ItemSubmission(IMemoryCache submitted)
{
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromHours(1);
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

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
            .OrderBy(a => a.Name).Select(a => new AllianceChoice(a.Id, a.Name)).ToListAsync(cancellationToken);
        return [.. alliances.Where(a => scope.CanSeeAlliance(a.Id))];
    }

    public async Task<ItemId> SubmitAsync(IServiceProvider services, AccessScope scope, ItemsApi.SubmitItemRequest request, Guid idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(scope);
        var key = (scope.UserId, idempotencyKey);
        await OneAtATime.WaitAsync(cancellationToken);
        try
        {
            if (submitted.TryGetValue(key, out ItemId earlier))
            {
                return earlier;
            }

            var created = await ItemsApi.Submit(
                request, scope, services.GetRequiredService<AllianceDbContext>(), services.GetRequiredService<WorkflowRuntime>(),
                services.GetRequiredService<ItemSync>(), services.GetRequiredService<TimeProvider>(), cancellationToken);
            submitted.Set(key, created.Value!.Id, KeyLifetime);
            return created.Value.Id;
        }
        finally
        {
            OneAtATime.Release();
        }
    }
}
