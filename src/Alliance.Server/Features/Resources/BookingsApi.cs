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
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Resources;

/// <summary>
/// Requests to use a shared resource (预约): checked at once (hours, capacity, slot, emergency), the slot held in the
/// database (docs/adr/0004), then the request's route (workflow <c>resource-request</c>) takes over: approval,
/// reminder, feedback. Cancellation follows the alliance's rules and both sides are told.
/// </summary>
public static class BookingsApi
{
    public static readonly BilingualText Thing = new("预约", "booking");

    public const string Workflow = "resource-request";

    /// <summary>The message that ends a booking's route when the booking is cancelled (correlation: the booking id).</summary>
    public const string CancelledMessage = "booking.cancelled";

    public static IEndpointRouteBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        var resources = app.MapGroup("/api/resources").WithTags("Resources").RequireAuthorization();
        resources.MapPost("/{id:guid}/bookings", Request).WithName("RequestBooking")
            .WithSummary("Request a slot (start, end, purpose, head count, requesting organisation); refused at once outside the hours, over capacity, on a taken slot or in emergency mode / 预约共享资源");
        resources.MapGet("/{id:guid}/bookings", ListForResource).WithName("ListResourceBookings")
            .WithSummary("A resource's bookings in a period: full details for the owner's side, the caller's own, and the busy times of the rest / 资源预约日历")
            .WithDescription("The period is from..to; without them it is the last day and the next 60 days (from = now - 1 day, to = now + 60 days), at most 366 days. The response says the period applied (from, to).");
        var bookings = app.MapGroup("/api/bookings").WithTags("Resources").RequireAuthorization();
        bookings.MapGet("/", ListMine).WithName("ListMyBookings")
            .WithSummary("Bookings the caller's organisations requested or own the resource of / 我的预约（申请的与收到的）");
        bookings.MapGet("/{id:guid}", Get).WithName("GetBooking").WithSummary("One booking / 预约详情");
        bookings.MapPost("/{id:guid}/cancel", Cancel).WithName("CancelBooking")
            .WithSummary("Cancel a booking: the requester up to the rules' cut-off before it begins, the owner's side at any time before it ends with a reason / 取消预约");
        return app;
    }

    public sealed record BookingRequest(DateTimeOffset? Start, DateTimeOffset? End, string? Purpose, int? HeadCount, OrganisationId? RequesterId);

    public sealed record CancelBookingRequest(string? Reason);

    public sealed record BookingResponse(
        BookingId Id, ResourceId ResourceId, string ResourceName, OrganisationId OwnerId, OrganisationId RequesterId, Guid? RequestedBy, DateTimeOffset Start,
        DateTimeOffset End, string Purpose, int HeadCount, BookingStatus Status, ItemId? ItemId, string? DecidedBy, DateTimeOffset? DecidedAt,
        string? DecisionNote, string? CancelCause, string? CancelReason, DateTimeOffset? CancelledAt, Guid? EmergencyId, string? OwnerFeedback,
        string? RequesterFeedback, string? RequesterRating, DateTimeOffset? UsedAt, DateTimeOffset CreatedAt)
    {
        public static BookingResponse From(Booking b, Resource r) =>
            new(b.Id, b.ResourceId, r.Name, r.OwnerId, b.RequesterId, b.RequestedBy, Utc(b.StartUtc), Utc(b.EndUtc), b.Purpose, b.HeadCount, b.Status, b.ItemId,
                b.DecidedBy, Utc(b.DecidedUtc), b.DecisionNote, b.CancelCause, b.CancelReason, Utc(b.CancelledUtc), b.EmergencyId, b.OwnerFeedback,
                b.RequesterFeedback, b.RequesterRating, Utc(b.UsedUtc), Utc(b.CreatedUtc));
    }

    public sealed record BusyTime(DateTimeOffset Start, DateTimeOffset End, string Why);

    /// <summary>A resource's calendar in the period applied (<see cref="From"/>..<see cref="To"/>, the defaults when not given).</summary>
    public sealed record ResourceCalendar(ResourceId ResourceId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<BookingResponse> Bookings, IReadOnlyList<BusyTime> Busy);

    /// <summary>The calendar's default period around now, and its longest.</summary>
    public static readonly TimeSpan CalendarBefore = TimeSpan.FromDays(1), CalendarAfter = TimeSpan.FromDays(60), CalendarLongest = TimeSpan.FromDays(366);

    public static async Task<Created<BookingResponse>> Request(
        Guid id, BookingRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, WorkflowRuntime runtime, ItemSync sync, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resource = await ResourcesApi.FindVisibleAsync(db, scope, new ResourceId(id), cancellationToken);
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
        var booking = await HoldAsync(db, audit, scope, resource, requester!.Value, startUtc, endUtc, request.Purpose!.Trim(), request.HeadCount!.Value, time, cancellationToken);
        var roles = WorkflowRoles.ByOrganisation(scope).GetValueOrDefault(booking.RequesterId) ?? [];
        await StartRouteAsync(db, runtime, new Actor(scope.UserId!.Value.ToString(), roles, booking.RequesterId.ToString()), booking, resource, alliance, zone, time,
            cancellationToken);
        db.ChangeTracker.Clear();
        var saved = await db.Set<Booking>().AsNoTracking().SingleAsync(b => b.Id == booking.Id, cancellationToken);
        return TypedResults.Created($"/api/bookings/{booking.Id}", BookingResponse.From(saved, resource));
    }

    public static async Task<Ok<ResourceCalendar>> ListForResource(
        Guid id, DateTimeOffset? from, DateTimeOffset? to, AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var resource = await ResourcesApi.FindVisibleAsync(db, scope, new ResourceId(id), cancellationToken);
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
        var shown = all.Where(b => CanSeeDetails(scope, resource, b)).ToList();
        var busy = all.Where(b => b.IsActive && !CanSeeDetails(scope, resource, b)).Select(b => new BusyTime(Utc(b.StartUtc), Utc(b.EndUtc), "booked"))
            .Concat(emergencies.Select(e => new BusyTime(Utc(e.FromUtc), Utc(e.ToUtc), "emergency")))
            .OrderBy(b => b.Start).ToList();
        return TypedResults.Ok(new ResourceCalendar(resource.Id, Utc(start), Utc(end), [.. shown.Select(b => BookingResponse.From(b, resource))], busy));
    }

    public static async Task<Ok<List<BookingResponse>>> ListMine(AccessScope scope, AllianceDbContext db, string? status, CancellationToken cancellationToken)
    {
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

        return TypedResults.Ok(list.OrderByDescending(x => x.b.StartUtc).Select(x => BookingResponse.From(x.b, x.r)).ToList());
    }

    public static async Task<Ok<BookingResponse>> Get(Guid id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        var (booking, resource) = await FindVisibleAsync(db, scope, new BookingId(id), cancellationToken);
        return TypedResults.Ok(BookingResponse.From(booking, resource));
    }

    public static async Task<Ok<BookingResponse>> Cancel(
        Guid id, CancelBookingRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, WorkflowRuntime runtime, ItemSync sync, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (booking, resource) = await FindVisibleAsync(db, scope, new BookingId(id), cancellationToken, tracked: true);
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
        await ReleaseAsync(db, booking, resource, cause, request.Reason?.Trim(), scope.UserId?.ToString(), now, cancellationToken);
        try
        {
            await audit.SaveAsync(new("booking.cancelled", "booking", booking.Id.ToString(), cause == "owner" ? ResourcesApi.OnBehalfOf(scope, resource.OwnerId) : booking.RequesterId,
                before, BookingResponse.From(booking, resource)), cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictProblem("booking.changed", new("该预约刚被他人处理，请刷新后重试。", "The booking was just changed by someone else; reload and try again."));
        }

        await EndRouteAsync(runtime, sync, booking, cause, scope.UserId?.ToString(), cancellationToken);
        return TypedResults.Ok(BookingResponse.From(booking, resource));
    }

    /// <summary>
    /// Ends an active booking without use: its slot rows go, its status and cause are set, and <see cref="BookingCancelled"/>
    /// (the notice to both sides) is queued in the same unit of work. The caller saves.
    /// </summary>
    public static async Task ReleaseAsync(
        AllianceDbContext db, Booking booking, Resource resource, string cause, string? reason, string? by, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(booking);
        ArgumentNullException.ThrowIfNull(resource);
        booking.Status = cause == "declined" ? BookingStatus.Declined : BookingStatus.Cancelled;
        booking.CancelCause = cause;
        booking.CancelReason = reason;
        booking.CancelledUtc = now;
        booking.Revision++;
        db.RemoveRange(await db.Set<BookingSlot>().Where(s => s.BookingId == booking.Id).ToListAsync(cancellationToken));
        db.AddOutboxEvent(new BookingCancelled(booking.Id.Value, resource.Id.Value, resource.OwnerId.Value, booking.RequesterId.Value, resource.AllianceId.Value,
            Utc(booking.StartUtc), Utc(booking.EndUtc), cause, reason, by));
    }

    /// <summary>Tells the booking's route it was cancelled (it ends with status cancelled) and brings the item in step; a route already over is left alone.</summary>
    public static async Task EndRouteAsync(WorkflowRuntime runtime, ItemSync sync, Booking booking, string cause, string? actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(booking);
        if (booking.ItemId is not { } item)
        {
            return;
        }

        await sync.ActAsync(new ItemCommand { ItemId = item, Name = "booking.route-ended", Actor = actor },
            context => runtime.DeliverAsync(new Stimulus(new StimulusId($"booking.cancelled:{booking.Id}"), CancelledMessage, booking.Id.ToString(),
                new JsonObject { ["cause"] = cause, ["reason"] = booking.CancelReason }), context, cancellationToken),
            cancellationToken);
    }

    /// <summary>The booking and its resource, or 404: visible to the owner's side, the requester's side, and whoever sees the requester.</summary>
    public static async Task<(Booking Booking, Resource Resource)> FindVisibleAsync(
        AllianceDbContext db, AccessScope scope, BookingId id, CancellationToken cancellationToken, bool tracked = false)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        var bookings = tracked ? db.Set<Booking>() : db.Set<Booking>().AsNoTracking();
        var booking = await bookings.SingleOrDefaultAsync(b => b.Id == id, cancellationToken);
        var resource = booking is null ? null : await (tracked ? db.Set<Resource>() : db.Set<Resource>().AsNoTracking()).SingleAsync(r => r.Id == booking.ResourceId, cancellationToken);
        return booking is not null && resource is not null && CanSeeDetails(scope, resource, booking) ? (booking, resource) : throw new NotFoundProblem(Thing);
    }

    private static bool CanSeeDetails(AccessScope scope, Resource resource, Booking booking) =>
        ResourcesApi.CanManage(scope, resource.OwnerId) || scope.CanSeeOrganisation(resource.OwnerId) || scope.CanActFor(booking.RequesterId)
        || scope.CanSeeOrganisation(booking.RequesterId);

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
    private static async Task<Booking> HoldAsync(
        AllianceDbContext db, AuditTrail audit, AccessScope scope, Resource resource, OrganisationId requester, DateTime startUtc, DateTime endUtc, string purpose,
        int headCount, TimeProvider time, CancellationToken cancellationToken)
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

    /// <summary>
    /// Starts the booking's route and saves its item, linking the booking to it. Also used by <see cref="BookingExpiry"/> for a
    /// booking whose route never started (the host stopped between holding the slot and starting the route).
    /// </summary>
    internal static async Task StartRouteAsync(
        AllianceDbContext db, WorkflowRuntime runtime, Actor actor, Booking booking, Resource resource, PartyAlliance alliance, TimeZoneInfo zone,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var host = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == alliance.HostOrganisationId, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var localStart = TimeZoneInfo.ConvertTimeFromUtc(booking.StartUtc, zone);
        var localEnd = TimeZoneInfo.ConvertTimeFromUtc(booking.EndUtc, zone);
        var slotText = localStart.Date == localEnd.Date
            ? $"{localStart.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}–{localEnd.ToString("HH:mm", CultureInfo.InvariantCulture)}"
            : $"{localStart.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} – {localEnd.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}";
        var item = new Item
        {
            Id = ItemId.New(),
            Kind = ItemKind.ResourceRequest,
            Title = Truncate($"预约：{resource.Name}", 200),
            Description = Truncate($"{booking.Purpose}（{slotText}，{booking.HeadCount} 人）", 4000),
            Category = resource.Categories.FirstOrDefault() ?? "场地",
            AllianceId = alliance.Id,
            HostOrganisationId = host.Id,
            StreetId = host.StreetOfHost(),
            Scope = ItemScope.Alliance,
            DesiredDate = DateOnly.FromDateTime(localStart),
            SubmitterOrganisationId = booking.RequesterId,
            SubmittedBy = booking.RequestedBy,
            CreatedUtc = now,
            UpdatedUtc = now,
        };
        var rules = alliance.Rules;
        var reminderAt = booking.StartUtc - rules.BookingReminderOffset;
        var input = new JsonObject
        {
            ["itemId"] = item.Id.ToString(),
            ["bookingId"] = booking.Id.ToString(),
            ["allianceId"] = alliance.Id.ToString(),
            ["hostId"] = host.Id.ToString(),
            ["streetId"] = item.StreetId.ToString(),
            ["ownerId"] = resource.OwnerId.ToString(),
            ["requesterId"] = booking.RequesterId.ToString(),
            ["resourceName"] = resource.Name,
            ["slotText"] = slotText,
            ["requiresApproval"] = resource.RequiresApproval,
            ["approvalDeadline"] = ItemRoutes.Iso(rules.ResourceApprovalDeadline),
            ["reminders"] = new JsonArray([.. rules.ReminderOffsets.Where(o => o < rules.ResourceApprovalDeadline).Select(o => JsonValue.Create(ItemRoutes.Iso(o)))]),
            ["reminderAt"] = Iso(reminderAt < now ? now : reminderAt),
            ["usedAt"] = Iso(booking.EndUtc),
            ["feedbackWindow"] = ItemRoutes.Iso(rules.BookingFeedbackWindow),
        };
        await ItemRoutes.StartAsync(runtime, item, input, actor, AccessScope.Anonymous, booking.RequesterId, new BookingRouted(booking.Id), booking.Id.ToString(),
            cancellationToken);
    }

    /// <summary>Links the booking to its item in the route's first commit.</summary>
    private sealed record BookingRouted(BookingId Id) : IItemAlongside
    {
        public async Task ApplyAsync(AllianceDbContext db, Item item, ItemEvents events, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(db);
            ArgumentNullException.ThrowIfNull(item);
            (await db.Set<Booking>().SingleAsync(b => b.Id == Id, cancellationToken)).ItemId = item.Id;
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

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    private static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    internal static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
