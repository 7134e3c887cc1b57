using Alliance.Contracts.Resources;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Resources.EmergencyApi;

namespace Alliance.Server.Features.Resources;

/// <summary>The bookings an emergency switch of the period would cancel, for a confirm step before <see cref="EmergencyOperations.SwitchAsync"/>.</summary>
public sealed record EmergencyPreview(ResourceId ResourceId, string ResourceName, DateTimeOffset From, DateTimeOffset To, string Reason, IReadOnlyList<BookingsApi.BookingResponse> Affected);

/// <summary>
/// 平急转换: the owner, the alliance's chair, the street chair (or the district) switches a venue to emergency use for a
/// period. In one transaction every overlapping pending or confirmed booking is cancelled (its slot freed, a notice to
/// both sides), the period is recorded and, for an exclusive resource, its grains are held by the emergency so that no
/// request can slip in; until it is switched back the venue takes no requests in that period. The API
/// (<see cref="EmergencyApi"/>) and the web UI both come here; scope is checked here (404 unseen, 403 not a switcher).
/// </summary>
public sealed class EmergencyOperations(AllianceDbContext db, AuditTrail audit, WorkflowRuntime runtime, ItemSync sync, TimeProvider time)
{
    /// <summary>
    /// What switching would do, with the same checks as <see cref="SwitchAsync"/> (scope, period, reason) and nothing
    /// written: the active bookings that overlap the period now. One made between this and the switch is cancelled too.
    /// </summary>
    public async Task<EmergencyPreview> PreviewAsync(AccessScope scope, ResourceId id, EmergencyRequest request, CancellationToken cancellationToken)
    {
        var (resource, _) = await CheckAsync(scope, id, request, cancellationToken);
        var (fromUtc, toUtc) = (request.From!.Value.UtcDateTime, request.To!.Value.UtcDateTime);
        var affected = await db.Set<Booking>().AsNoTracking()
            .Where(b => b.ResourceId == resource.Id && (b.Status == BookingStatus.Pending || b.Status == BookingStatus.Confirmed) && b.StartUtc < toUtc && b.EndUtc > fromUtc)
            .OrderBy(b => b.StartUtc).ToListAsync(cancellationToken);
        return new EmergencyPreview(resource.Id, resource.Name, request.From.Value, request.To.Value, request.Reason!.Trim(),
            [.. affected.Select(b => BookingsApi.BookingResponse.From(b, resource))]);
    }

    /// <summary>Switches the venue to emergency use for the period; every overlapping active booking is cancelled (cause <c>emergency</c>) in the same transaction.</summary>
    public async Task<EmergencyResponse> SwitchAsync(AccessScope scope, ResourceId id, EmergencyRequest request, CancellationToken cancellationToken)
    {
        var (resource, hostId) = await CheckAsync(scope, id, request, cancellationToken);
        var rules = await db.Alliances.AsNoTracking().Where(a => a.Id == resource.AllianceId).Select(a => a.Rules).SingleAsync(cancellationToken);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(rules.TimeZone);
        var now = time.GetUtcNow();
        var fromUtc = request.From!.Value.UtcDateTime;
        var toUtc = request.To!.Value.UtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var current = await db.Set<Resource>().SingleAsync(r => r.Id == resource.Id, cancellationToken);
            if (await db.Set<ResourceEmergency>().AnyAsync(e => e.ResourceId == resource.Id && e.EndedUtc == null && e.FromUtc < toUtc && e.ToUtc > fromUtc, cancellationToken))
            {
                throw new ConflictProblem("resource.emergency-overlap", new("该时段已处于应急状态。", "The venue is already in emergency use during that period."));
            }

            var bookings = await db.Set<Booking>()
                .Where(b => b.ResourceId == resource.Id && (b.Status == BookingStatus.Pending || b.Status == BookingStatus.Confirmed) && b.StartUtc < toUtc && b.EndUtc > fromUtc)
                .ToListAsync(cancellationToken);
            var emergency = new ResourceEmergency
            {
                Id = Guid.CreateVersion7(),
                ResourceId = resource.Id,
                FromUtc = fromUtc,
                ToUtc = toUtc,
                Reason = request.Reason!.Trim(),
                StartedBy = scope.UserId,
                StartedFor = ResourcesApi.CanManage(scope, resource.OwnerId) ? ResourcesApi.OnBehalfOf(scope, resource.OwnerId) : hostId,
                StartedUtc = now.UtcDateTime,
                CancelledBookings = bookings.Count,
            };
            db.Add(emergency);
            foreach (var booking in bookings)
            {
                await BookingLifecycle.ReleaseAsync(db, booking, current, "emergency", emergency.Reason, scope.UserId?.ToString(), now.UtcDateTime, cancellationToken);
                booking.EmergencyId = emergency.Id;
            }

            if (current.Exclusive)
            {
                foreach (var grain in Grains(current, fromUtc, toUtc, zone))
                {
                    db.Add(new BookingSlot { ResourceId = current.Id, StartUtc = grain, EmergencyId = emergency.Id });
                }
            }

            current.Revision++;
            current.UpdatedAt = now;
            var cancelled = bookings.Select(b => b.Id).ToList();
            db.AddOutboxEvent(new VenueSwitchedToEmergency(emergency.Id, current.Id.Value, current.OwnerId.Value, current.AllianceId.Value,
                request.From.Value, request.To.Value, emergency.Reason, scope.UserId?.ToString(), [.. cancelled.Select(c => c.Value)]));
            var response = EmergencyResponse.Of(emergency, cancelled);
            try
            {
                await audit.SaveAsync(new("resource.emergency-started", "resource", current.Id.ToString(), emergency.StartedFor, null, response), cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 10)
            {
                // A request took a grain (or changed the resource) between our read and our write: redo it, cancelling that one too.
                continue;
            }

            foreach (var booking in bookings)
            {
                await BookingLifecycle.EndRouteAsync(runtime, sync, booking, "emergency", scope.UserId?.ToString(), cancellationToken);
            }

            return response;
        }
    }

    /// <summary>Ends every active emergency period of the resource (恢复平时): the grains it held are freed; 409 when none is active.</summary>
    public async Task<EmergencyResponse> SwitchBackAsync(AccessScope scope, ResourceId id, CancellationToken cancellationToken)
    {
        var resource = await ResourcesApi.FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        var hostId = await DemandSwitchAsync(scope, resource, cancellationToken);
        var active = await db.Set<ResourceEmergency>().Where(e => e.ResourceId == resource.Id && e.EndedUtc == null).OrderBy(e => e.FromUtc).ToListAsync(cancellationToken);
        if (active.Count == 0)
        {
            throw new ConflictProblem("resource.not-in-emergency", new("该资源不在应急状态。", "The resource is not in emergency use."));
        }

        var now = time.GetUtcNow();
        foreach (var emergency in active)
        {
            emergency.EndedUtc = now.UtcDateTime;
            emergency.EndedBy = scope.UserId;
            db.RemoveRange(await db.Set<BookingSlot>().Where(s => s.EmergencyId == emergency.Id).ToListAsync(cancellationToken));
            db.AddOutboxEvent(new VenueSwitchedBack(emergency.Id, resource.Id.Value, resource.OwnerId.Value, resource.AllianceId.Value, scope.UserId?.ToString()));
        }

        resource.Revision++;
        resource.UpdatedAt = now;
        var response = EmergencyResponse.Of(active[^1], []);
        await audit.SaveAsync(new("resource.emergency-ended", "resource", resource.Id.ToString(),
            ResourcesApi.CanManage(scope, resource.OwnerId) ? ResourcesApi.OnBehalfOf(scope, resource.OwnerId) : hostId, null,
            active.Select(e => EmergencyResponse.Of(e, [])).ToList()), cancellationToken);
        return response;
    }

    /// <summary>Every emergency switch of a resource the caller can see, newest first, with the bookings each cancelled.</summary>
    public async Task<List<EmergencyResponse>> HistoryAsync(AccessScope scope, ResourceId id, CancellationToken cancellationToken)
    {
        var resource = await ResourcesApi.FindVisibleAsync(db, scope, id, cancellationToken);
        var list = await db.Set<ResourceEmergency>().AsNoTracking().Where(e => e.ResourceId == resource.Id).ToListAsync(cancellationToken);
        var ids = list.Select(e => (Guid?)e.Id).ToList();
        var cancelled = await db.Set<Booking>().AsNoTracking().Where(b => ids.Contains(b.EmergencyId)).Select(b => new { b.EmergencyId, b.Id }).ToListAsync(cancellationToken);
        return [.. list.OrderByDescending(e => e.StartedUtc).Select(e => EmergencyResponse.Of(e, [.. cancelled.Where(c => c.EmergencyId == e.Id).Select(c => c.Id)]))];
    }

    /// <summary>The resource (404 unseen), the switcher's right (403) and the request's fields (400): what both the preview and the switch check first.</summary>
    private async Task<(Resource Resource, Organisations.OrganisationId HostId)> CheckAsync(
        AccessScope scope, ResourceId id, EmergencyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(request);
        var resource = await ResourcesApi.FindVisibleAsync(db, scope, id, cancellationToken);
        var hostId = await DemandSwitchAsync(scope, resource, cancellationToken);
        var errors = new FieldErrors();
        errors.Required("from", request.From, new("开始时间", "start of the period"));
        errors.Required("to", request.To, new("结束时间", "end of the period"));
        errors.Text("reason", request.Reason, new("转换原因", "reason"), 500);
        if (request.From is { } f && request.To is { } t)
        {
            if (t <= f)
            {
                errors.Add("to", "应急时段须结束晚于开始。", "The period must end after it starts.");
            }
            else if (t <= time.GetUtcNow())
            {
                errors.Add("to", "应急时段已经过去。", "The period is already over.");
            }
        }

        errors.ThrowIfAny();
        return (resource, hostId);
    }

    /// <summary>
    /// The active emergency periods of the resource when the caller may switch it (the rule of <see cref="SwitchAsync"/>),
    /// or null when they may not: what a page needs to decide whether to offer 平急转换 and to show the current state.
    /// 404 when the resource is not visible.
    /// </summary>
    public async Task<IReadOnlyList<EmergencyResponse>?> SwitchableAsync(AccessScope scope, ResourceId id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var resource = await ResourcesApi.FindVisibleAsync(db, scope, id, cancellationToken);
        if (!(await SwitchRightAsync(scope, resource, cancellationToken)).May)
        {
            return null;
        }

        var active = await db.Set<ResourceEmergency>().AsNoTracking().Where(e => e.ResourceId == resource.Id && e.EndedUtc == null).ToListAsync(cancellationToken);
        return [.. active.OrderBy(e => e.FromUtc).Select(e => EmergencyResponse.Of(e, []))];
    }

    /// <summary>The owner's side, the chair of the alliance it is shared through, the street's chair or the district may switch; others 403. Returns the alliance's host.</summary>
    private async Task<Organisations.OrganisationId> DemandSwitchAsync(AccessScope scope, Resource resource, CancellationToken cancellationToken)
    {
        var (may, host) = await SwitchRightAsync(scope, resource, cancellationToken);
        if (may)
        {
            return host;
        }

        throw new ForbiddenProblem("resource.not-switcher", new("只有资源所属单位、联盟书记或街道书记可以进行平急转换。",
            "Only the owner, the alliance's chair or the street chair may switch a venue to emergency use."));
    }

    /// <summary>Whether the caller may switch the resource, with the host of the alliance it is shared through.</summary>
    private async Task<(bool May, Organisations.OrganisationId Host)> SwitchRightAsync(AccessScope scope, Resource resource, CancellationToken cancellationToken)
    {
        var host = await db.Alliances.AsNoTracking().Where(a => a.Id == resource.AllianceId).Select(a => a.HostOrganisationId).SingleAsync(cancellationToken);
        var chair = WorkflowRoles.ByOrganisation(scope).GetValueOrDefault(host)?.Contains(WorkflowRoles.Chair) == true;
        var may = ResourcesApi.CanManage(scope, resource.OwnerId) || chair || scope.HasRole(AllianceRole.StreetChair, resource.StreetId) || scope.IsDistrictAdmin;
        return (may, host);
    }

    /// <summary>The grains of the resource's local grid that overlap [from, to), as UTC instants (the keys booking slots use).</summary>
    private static IEnumerable<DateTime> Grains(Resource resource, DateTime fromUtc, DateTime toUtc, TimeZoneInfo zone)
    {
        var grain = TimeSpan.FromMinutes(resource.SlotMinutes);
        var localFrom = TimeZoneInfo.ConvertTimeFromUtc(fromUtc, zone);
        var aligned = localFrom.Date + TimeSpan.FromTicks(localFrom.TimeOfDay.Ticks / grain.Ticks * grain.Ticks);
        var t = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(aligned, DateTimeKind.Unspecified), zone);
        for (; t < toUtc; t += grain)
        {
            yield return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        }
    }
}
