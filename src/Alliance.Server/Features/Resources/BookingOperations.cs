using System.Globalization;
using System.Text.Json.Nodes;
using Alliance.Contracts.Resources;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Workflows;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Resources.BookingLifecycle;
using static Alliance.Server.Features.Resources.BookingsApi;

namespace Alliance.Server.Features.Resources;

/// <summary>
/// What callers do with bookings (预约): request a slot, read a resource's calendar, list and read their bookings, cancel.
/// The API and the web UI both come here; scope and the alliance's rules are checked here, and refusals are the
/// problem exceptions (400, 403, 404, 409). What other features do to a booking (decline, expire, emergency) is in
/// <see cref="BookingLifecycle"/>.
/// </summary>
public sealed class BookingOperations(AllianceDbContext db, AuditTrail audit, WorkflowRuntime runtime, ItemSync sync, TimeProvider time)
{
    /// <summary>
    /// Requests a slot: checked at once (hours, capacity, slot, emergency), the slot held in the database with the booking,
    /// its audit entry and <see cref="BookingRequested"/> (docs/adr/0004), then the request's route started, its item created
    /// in the route's first commit. A crash between the two is mended by <see cref="BookingExpiry"/>, which starts the route
    /// of a booking that has none. Returns the booking as it stands after both.
    /// </summary>
    public async Task<BookingResponse> RequestAsync(AccessScope scope, ResourceId resourceId, BookingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(request);
        var resource = await ResourcesApi.FindVisibleAsync(db, scope, resourceId, cancellationToken);
        var errors = new FieldErrors();
        errors.Required("start", request.Start, new("开始时间", "start"));
        errors.Required("end", request.End, new("结束时间", "end"));
        errors.Text("purpose", request.Purpose, new("用途", "purpose"), 1000);
        errors.Required("headCount", request.HeadCount, new("人数（数量）", "head count"));
        var requester = RequesterFor(scope, request.RequesterId, errors);
        if (resource.Status == ResourceStatus.Withdrawn)
        {
            throw new ConflictProblem("resource.withdrawn", new("该资源已撤下，不再接受预约。", "The resource is withdrawn and takes no bookings."));
        }

        var alliance = await db.Alliances.AsNoTracking().SingleAsync(a => a.Id == resource.AllianceId, cancellationToken);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(alliance.Rules.TimeZone);
        var now = time.GetUtcNow();
        if (request.Start is { } start && request.End is { } end)
        {
            CheckSlot(errors, resource, alliance.Rules, zone, start, end, now);
        }

        if (request.HeadCount is { } count && (count < 1 || count > resource.Capacity))
        {
            errors.Add("headCount", count < 1 ? "人数（数量）至少为 1。" : $"超出容量：该资源最多 {resource.Capacity}。",
                count < 1 ? "The head count must be at least 1." : $"Over capacity: the resource takes at most {resource.Capacity}.");
        }

        errors.ThrowIfAny();
        var startUtc = request.Start!.Value.UtcDateTime;
        var endUtc = request.End!.Value.UtcDateTime;
        var booking = await HoldAsync(scope, resource, requester!.Value, startUtc, endUtc, request.Purpose!.Trim(), request.HeadCount!.Value, cancellationToken);
        var roles = WorkflowRoles.ByOrganisation(scope).GetValueOrDefault(booking.RequesterId) ?? [];
        await BookingLifecycle.StartRouteAsync(db, runtime, new Actor(scope.UserId!.Value.ToString(), roles, booking.RequesterId.ToString()), booking, resource, alliance, zone, time,
            cancellationToken);
        db.ChangeTracker.Clear();
        var saved = await db.Set<Booking>().AsNoTracking().SingleAsync(b => b.Id == booking.Id, cancellationToken);
        return BookingResponse.From(saved, resource);
    }

    /// <summary>A resource's calendar in a period (by default the last day and the next 60 days): what the caller may see in full, and the busy times of the rest.</summary>
    public async Task<ResourceCalendar> CalendarAsync(AccessScope scope, ResourceId resourceId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var resource = await ResourcesApi.FindVisibleAsync(db, scope, resourceId, cancellationToken);
        var start = (from ?? time.GetUtcNow() - CalendarBefore).UtcDateTime;
        var end = (to ?? time.GetUtcNow() + CalendarAfter).UtcDateTime;
        if (end <= start)
        {
            throw Alliance.Server.Infrastructure.Problems.ValidationProblem.For("to", "结束时间须晚于开始时间。", "The period must end after it starts.");
        }

        if (end - start > CalendarLongest)
        {
            throw Alliance.Server.Infrastructure.Problems.ValidationProblem.For("to", "查询时段不能超过 366 天。", "The period can be at most 366 days.");
        }

        var all = await db.Set<Booking>().AsNoTracking()
            .Where(b => b.ResourceId == resource.Id && b.StartUtc < end && b.EndUtc > start).OrderBy(b => b.StartUtc).ToListAsync(cancellationToken);
        var emergencies = await db.Set<ResourceEmergency>().AsNoTracking()
            .Where(e => e.ResourceId == resource.Id && e.EndedUtc == null && e.FromUtc < end && e.ToUtc > start).ToListAsync(cancellationToken);
        var shown = all.Where(b => BookingLifecycle.CanSeeDetails(scope, resource, b)).ToList();
        var busy = all.Where(b => b.IsActive && !BookingLifecycle.CanSeeDetails(scope, resource, b)).Select(b => new BusyTime(Utc(b.StartUtc), Utc(b.EndUtc), "booked"))
            .Concat(emergencies.Select(e => new BusyTime(Utc(e.FromUtc), Utc(e.ToUtc), "emergency")))
            .OrderBy(b => b.Start).ToList();
        return new ResourceCalendar(resource.Id, Utc(start), Utc(end), [.. shown.Select(b => BookingResponse.From(b, resource))], busy);
    }

    /// <summary>Bookings the caller's organisations requested, or whose resource they own or administer, newest slot first.</summary>
    public async Task<List<BookingResponse>> ListMineAsync(AccessScope scope, string? status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var acting = scope.ActingOrganisationIds.ToList();
        var managed = scope.AdministeredOrganisationIds.ToList();
        var query = db.Set<Booking>().AsNoTracking()
            .Join(db.Set<Resource>(), b => b.ResourceId, r => r.Id, (b, r) => new { b, r })
            .Where(x => acting.Contains(x.b.RequesterId) || acting.Contains(x.r.OwnerId) || managed.Contains(x.r.OwnerId));
        var list = await query.ToListAsync(cancellationToken);
        if (!string.IsNullOrWhiteSpace(status))
        {
            list = [.. list.Where(x => string.Equals(x.b.Status.ToString(), status.Trim(), StringComparison.OrdinalIgnoreCase))];
        }

        return [.. list.OrderByDescending(x => x.b.StartUtc).Select(x => BookingResponse.From(x.b, x.r))];
    }

    /// <summary>One booking, or 404 when the caller may not see it.</summary>
    public async Task<BookingResponse> GetAsync(AccessScope scope, BookingId id, CancellationToken cancellationToken)
    {
        var (booking, resource) = await BookingLifecycle.FindVisibleAsync(db, scope, id, cancellationToken);
        return BookingResponse.From(booking, resource);
    }

    /// <summary>
    /// Cancels a booking: the requester up to the rules' cut-off before it begins, the owner's side at any time before it
    /// ends, with a reason. The slot is released with the audit entry and <see cref="BookingCancelled"/>, then the route is told.
    /// </summary>
    public async Task<BookingResponse> CancelAsync(AccessScope scope, BookingId id, CancelBookingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(request);
        var (booking, resource) = await BookingLifecycle.FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        var asOwner = ResourcesApi.CanManage(scope, resource.OwnerId);
        var asRequester = scope.CanActFor(booking.RequesterId);
        if (!asOwner && !asRequester)
        {
            throw new ForbiddenProblem("booking.not-party", new("只有申请方或资源提供方可以取消预约。", "Only the requester or the resource's owner may cancel a booking."));
        }

        if (!booking.IsActive)
        {
            throw new ConflictProblem("booking.closed", new($"该预约已{Describe(booking.Status)}，不能取消。", $"The booking is already {booking.Status.ToString().ToLowerInvariant()} and cannot be cancelled."));
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (booking.EndUtc <= now)
        {
            throw new ConflictProblem("booking.over", new("预约时段已结束，不能取消。", "The booked slot is over and cannot be cancelled."));
        }

        var rules = await db.Alliances.AsNoTracking().Where(a => a.Id == resource.AllianceId).Select(a => a.Rules).SingleAsync(cancellationToken);
        // The requester's own cancellation is bound by the cut-off; acting for the owner (or administering it) is not, but needs a reason.
        var cause = asRequester ? "requester" : "owner";
        if (cause == "requester" && booking.Status == BookingStatus.Confirmed && booking.StartUtc - rules.BookingCancellationCutoff < now)
        {
            throw new ConflictProblem("booking.cancel-cutoff", new(
                $"已过取消截止时间（使用前 {Hours(rules.BookingCancellationCutoff)} 小时），请联系资源提供方。",
                $"Past the cancellation cut-off ({Hours(rules.BookingCancellationCutoff)} h before use); contact the owner."));
        }

        new FieldErrors().Text("reason", request.Reason, new("取消原因", "reason"), 500, required: cause == "owner").ThrowIfAny();
        var before = BookingResponse.From(booking, resource);
        await BookingLifecycle.ReleaseAsync(db, booking, resource, cause, request.Reason?.Trim(), scope.UserId?.ToString(), now, cancellationToken);
        try
        {
            await audit.SaveAsync(new("booking.cancelled", "booking", booking.Id.ToString(), cause == "owner" ? ResourcesApi.OnBehalfOf(scope, resource.OwnerId) : booking.RequesterId,
                before, BookingResponse.From(booking, resource)), cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictProblem("booking.changed", new("该预约刚被他人处理，请刷新后重试。", "The booking was just changed by someone else; reload and try again."));
        }

        await BookingLifecycle.EndRouteAsync(runtime, sync, booking, cause, scope.UserId?.ToString(), cancellationToken);
        return BookingResponse.From(booking, resource);
    }

    private static OrganisationId? RequesterFor(AccessScope scope, OrganisationId? asked, FieldErrors errors)
    {
        if (asked is { } organisation)
        {
            if (scope.CanActFor(organisation))
            {
                return organisation;
            }

            errors.NotActingFor(new("申请组织", "requesting organisation"));
            return null;
        }

        var acting = scope.ActingOrganisationIds.ToList();
        if (acting.Count == 1)
        {
            return acting[0];
        }

        errors.Add("requesterId", "请选择以哪个组织的名义申请。", "Choose the organisation you request for.");
        return null;
    }

    private static void CheckSlot(FieldErrors errors, Resource resource, RulesOfProcedure rules, TimeZoneInfo zone, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now)
    {
        if (end <= start)
        {
            errors.Add("end", "结束时间须晚于开始时间。", "The slot must end after it starts.");
            return;
        }

        if (start < now)
        {
            errors.Add("start", "不能预约已经开始的时段。", "The slot has already begun.");
            return;
        }

        if (start > now + rules.BookingHorizon)
        {
            errors.Add("start", $"最多可提前 {rules.BookingHorizon.TotalDays:0} 天预约。", $"Slots can be requested at most {rules.BookingHorizon.TotalDays:0} days ahead.");
            return;
        }

        var (localStart, localEnd, aligned) = OpeningSchedule.Local(resource, start, end, zone);
        if (!aligned)
        {
            errors.Add("slot", $"预约时段须以 {resource.SlotMinutes} 分钟为单位（如整点或半点开始）。",
                $"The slot must start and end on the resource's {resource.SlotMinutes}-minute grain.");
            return;
        }

        switch (OpeningSchedule.Check(resource, localStart, localEnd))
        {
            case OpeningCheck.ClosedOnException:
                var note = resource.Exceptions.FirstOrDefault(e => e.Date >= DateOnly.FromDateTime(localStart) && e.Date <= DateOnly.FromDateTime(localEnd))?.Note;
                errors.Add("slot", $"该日不开放{(note is null ? "" : $"（{note}）")}。", $"The resource is closed on that date{(note is null ? "" : $" ({note})")}.");
                break;
            case OpeningCheck.OutsideHours:
                errors.Add("slot", "所选时段不在开放时间内。", "The slot is outside the opening hours.");
                break;
        }
    }

    /// <summary>
    /// Writes the booking, its slot rows (exclusive resources) and <see cref="BookingRequested"/> in one transaction with the
    /// audit entry. The primary key of <see cref="BookingSlot"/> refuses a second holder of any grain; a shared resource's
    /// revision serialises the capacity check of concurrent requests.
    /// </summary>
    private async Task<Booking> HoldAsync(
        AccessScope scope, Resource resource, OrganisationId requester, DateTime startUtc, DateTime endUtc, string purpose, int headCount,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var current = await db.Set<Resource>().SingleAsync(r => r.Id == resource.Id, cancellationToken);
            if (await db.Set<ResourceEmergency>().AnyAsync(e => e.ResourceId == resource.Id && e.EndedUtc == null && e.FromUtc < endUtc && e.ToUtc > startUtc, cancellationToken))
            {
                throw new ConflictProblem("resource.emergency", new("该场地在所选时段处于应急状态（平急转换），暂不接受预约。",
                    "The venue is in emergency use during the slot (平急转换) and takes no requests."));
            }

            var overlapping = await db.Set<Booking>().AsNoTracking()
                .Where(b => b.ResourceId == resource.Id && (b.Status == BookingStatus.Pending || b.Status == BookingStatus.Confirmed) && b.StartUtc < endUtc && b.EndUtc > startUtc)
                .Select(b => new { b.StartUtc, b.EndUtc, b.HeadCount }).ToListAsync(cancellationToken);
            if (current.Exclusive && overlapping.Count > 0)
            {
                throw SlotTaken();
            }

            // A shared resource: the most people booked at any one moment of the slot, plus this request, within the capacity.
            var peak = overlapping.Select(o => o.StartUtc < startUtc ? startUtc : o.StartUtc)
                .Select(at => overlapping.Where(o => o.StartUtc <= at && o.EndUtc > at).Sum(o => o.HeadCount)).DefaultIfEmpty(0).Max();
            if (!current.Exclusive && peak + headCount > current.Capacity)
            {
                throw new ConflictProblem("booking.capacity-full", new(
                    $"该时段最多已预约 {peak}，剩余容量 {Math.Max(0, current.Capacity - peak)}，不足 {headCount}。",
                    $"Up to {peak} already booked in the slot; {Math.Max(0, current.Capacity - peak)} left, fewer than {headCount}."));
            }

            var now = time.GetUtcNow().UtcDateTime;
            var booking = new Booking
            {
                Id = BookingId.New(),
                ResourceId = resource.Id,
                RequesterId = requester,
                RequestedBy = scope.UserId,
                StartUtc = startUtc,
                EndUtc = endUtc,
                Purpose = purpose,
                HeadCount = headCount,
                Status = BookingStatus.Pending,
                CreatedUtc = now,
            };
            db.Add(booking);
            if (current.Exclusive)
            {
                var grain = TimeSpan.FromMinutes(current.SlotMinutes);
                for (var t = startUtc; t < endUtc; t += grain)
                {
                    db.Add(new BookingSlot { ResourceId = resource.Id, StartUtc = t, BookingId = booking.Id });
                }
            }
            else
            {
                current.Revision++;
            }

            db.AddOutboxEvent(new BookingRequested(booking.Id.Value, resource.Id.Value, resource.OwnerId.Value, requester.Value, resource.AllianceId.Value,
                Utc(startUtc), Utc(endUtc), headCount, purpose, scope.UserId, "pending"));
            try
            {
                await audit.SaveAsync(new("booking.requested", "booking", booking.Id.ToString(), requester, null, BookingResponse.From(booking, current)), cancellationToken);
                return booking;
            }
            catch (DbUpdateException) when (current.Exclusive)
            {
                // The primary key of booking_slots refused a grain another request holds (it committed first).
                throw SlotTaken();
            }
            catch (DbUpdateConcurrencyException) when (attempt < 10)
            {
                // Another request (or the emergency switch) changed the shared resource first: check again against what it did.
            }
        }
    }

    private static ConflictProblem SlotTaken() =>
        new("booking.slot-taken", new("该时段已被预约（独占资源同一时段只接受一个预约）。", "The slot is already taken (an exclusive resource takes one booking at a time)."));

    private static string Describe(BookingStatus status) => status switch
    {
        BookingStatus.Declined => "被拒绝",
        BookingStatus.Cancelled => "取消",
        BookingStatus.Used => "使用完毕",
        BookingStatus.NotUsed => "结束（未使用）",
        _ => "结束",
    };

    private static string Hours(TimeSpan span) => span.TotalHours.ToString("0.#", CultureInfo.InvariantCulture);
}
