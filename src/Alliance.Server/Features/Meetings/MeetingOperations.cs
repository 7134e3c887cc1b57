using Alliance.Contracts;
using Alliance.Contracts.Meetings;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Meetings;

/// <summary>
/// 联席会议: what people do with joint meetings, for the API and the web UI alike. The chair (the alliance host's
/// secretary or street chair) schedules, prepares and runs a meeting; its members reply, check in and vote. Every
/// change of one meeting is one transaction under the meeting's lock (<see cref="ChangeAsync"/>): the meeting's rows,
/// its <see cref="MeetingChanged"/> (and <see cref="MeetingItemDecided"/>) in the host outbox and its audit entry
/// commit together, one meeting change at a time on any number of nodes. An item the meeting settles continues its
/// route from the bus (<see cref="MeetingResolutionRelay"/>), never inside the meeting's transaction.
/// </summary>
public sealed partial class MeetingOperations(AllianceDbContext db, AuditTrail audit, BookingOperations bookings, TimeProvider time)
{
    public static readonly BilingualText Thing = new("联席会议", "joint meeting");

    /// <summary>Schedules a meeting of an alliance: its members (the alliance's active members) are invited, and the agenda window opens with the review point and the items awaiting a meeting.</summary>
    public async Task<MeetingView> ScheduleAsync(AccessScope scope, ScheduleMeetingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("allianceId", request.AllianceId, new("联盟", "alliance"));
        errors.Required("kind", request.Kind, new("会议类型", "kind"));
        errors.Text("title", request.Title, new("会议名称", "title"), 200);
        errors.Text("location", request.Location, new("地点", "location"), 200, required: false);
        errors.Required("startsAt", request.StartsAt, new("开始时间", "start"));
        errors.Required("endsAt", request.EndsAt, new("结束时间", "end"));
        var now = time.GetUtcNow();
        if (request.StartsAt is { } starts && request.EndsAt is { } ends)
        {
            if (ends <= starts || ends - starts > TimeSpan.FromHours(12))
            {
                errors.Add("endsAt", "结束时间须晚于开始时间，会议不超过 12 小时。", "The end must follow the start, and a meeting lasts at most 12 hours.");
            }

            if (starts < now.AddMinutes(-5))
            {
                errors.Add("startsAt", "开始时间不能早于现在。", "The start cannot be in the past.");
            }
        }

        PartyAlliance? alliance = null;
        if (request.AllianceId is { } allianceId)
        {
            alliance = scope.CanSeeAlliance(allianceId) ? await db.Alliances.AsNoTracking().SingleOrDefaultAsync(a => a.Id == allianceId, cancellationToken) : null;
            if (alliance is null)
            {
                errors.Unknown("allianceId", new("联盟", "alliance"));
            }
            else if (alliance.Status != AllianceStatus.Active)
            {
                errors.Add("allianceId", "该联盟已解散。", "The alliance is dissolved.");
            }
        }

        var urgent = await UrgentItemAsync(errors, request, alliance, cancellationToken);
        errors.ThrowIfAny();
        DemandChair(scope, alliance!.HostOrganisationId);
        var members = await ItemRoutes.MembersAsync(db, alliance.Id, cancellationToken);
        var booking = request.VenueId is { } venue ? await BookVenueAsync(scope, venue, request, alliance.HostOrganisationId, members.Count + 1, cancellationToken) : null;
        var meeting = new Meeting
        {
            Id = MeetingId.New(),
            AllianceId = alliance.Id,
            HostOrganisationId = alliance.HostOrganisationId,
            Kind = request.Kind!.Value,
            Title = FieldErrors.Stored(request.Title!),
            Location = request.Location is null ? booking?.ResourceName : FieldErrors.Stored(request.Location),
            VenueId = booking?.ResourceId,
            BookingId = booking?.Id,
            StartsUtc = request.StartsAt!.Value.UtcDateTime,
            EndsUtc = request.EndsAt!.Value.UtcDateTime,
            Status = MeetingStatus.Scheduled,
            CreatedBy = scope.UserId,
            CreatedUtc = now.UtcDateTime,
            Members = [.. members.Select(m => new MeetingMember { OrganisationId = m.Id })],
        };
        try
        {
            return await CreateAsync(scope, meeting, urgent, cancellationToken);
        }
        catch when (booking is not null)
        {
            await ReleaseVenueAsync(scope, booking.Id, "会议未能创建，释放场地。", CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Meetings of the alliances the caller sees, soonest first, that end after <paramref name="from"/> (default: 30 days
    /// ago) and, with <paramref name="to"/>, start before it (the calendar's month); at most 200.
    /// </summary>
    public async Task<IReadOnlyList<MeetingSummary>> ListAsync(
        AccessScope scope, AllianceId? alliance, DateTimeOffset? from, CancellationToken cancellationToken, DateTimeOffset? to = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var visible = scope.VisibleAllianceIds.ToList();
        var since = (from ?? time.GetUtcNow().AddDays(-30)).UtcDateTime;
        var query = db.Set<Meeting>().AsNoTracking().Where(m => visible.Contains(m.AllianceId) && m.EndsUtc >= since);
        if (alliance is { } a)
        {
            query = query.Where(m => m.AllianceId == a);
        }

        if (to is { } until)
        {
            var before = until.UtcDateTime;
            query = query.Where(m => m.StartsUtc < before);
        }

        var meetings = await query.OrderBy(m => m.StartsUtc).Take(200)
            .Select(m => new
            {
                m.Id, m.AllianceId, m.Kind, m.Title, m.StartsUtc, m.EndsUtc, m.Location, m.Status,
                Points = m.Agenda.Count(p => p.RemovedUtc == null),
                Members = m.Members.Count,
                Present = m.Members.Count(x => x.CheckedInUtc != null),
            }).ToListAsync(cancellationToken);
        var ids = meetings.Select(m => m.AllianceId).Distinct().ToList();
        var names = await db.Alliances.AsNoTracking().Where(x => ids.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Name, cancellationToken);
        return [.. meetings.Select(m => new MeetingSummary(
            m.Id, m.AllianceId, names.GetValueOrDefault(m.AllianceId), m.Kind, m.Title, m.StartsUtc, m.EndsUtc, m.Location, m.Status, m.Points, m.Members, m.Present))];
    }

    /// <summary>
    /// The board's upcoming meetings: those of the caller's alliances ahead or in session (ending no earlier than
    /// <paramref name="now"/>, starting within 60 days), soonest first, at most <paramref name="take"/>, each with the
    /// titles of the points on its agenda in order.
    /// </summary>
    public async Task<IReadOnlyList<UpcomingMeeting>> UpcomingAsync(AccessScope scope, DateTimeOffset now, int take, CancellationToken cancellationToken)
    {
        var meetings = (await ListAsync(scope, null, now, cancellationToken, now.AddDays(60)))
            .Where(m => m.Status is MeetingStatus.Scheduled or MeetingStatus.AgendaFixed or MeetingStatus.Open).Take(take).ToList();
        var ids = meetings.Select(m => m.Id).ToList();
        var points = await db.Set<AgendaPoint>().AsNoTracking().Where(p => ids.Contains(p.MeetingId) && p.RemovedUtc == null)
            .OrderBy(p => p.Order).Select(p => new { p.MeetingId, p.Title }).ToListAsync(cancellationToken);
        return [.. meetings.Select(m => new UpcomingMeeting(m, [.. points.Where(p => p.MeetingId == m.Id).Select(p => p.Title)]))];
    }

    /// <summary>A meeting with its agenda, attendance, tallies and minutes; 404 outside the caller's alliances.</summary>
    public async Task<MeetingView> GetAsync(AccessScope scope, MeetingId id, CancellationToken cancellationToken)
    {
        var meeting = await LoadAsync(scope, id, tracked: false, cancellationToken);
        return await ViewAsync(scope, meeting, cancellationToken);
    }

    /// <summary>
    /// Cancels a meeting that has not opened (its agenda items go back to waiting for the next meeting), and then its
    /// venue booking, if the booking rules still allow the requester to cancel it.
    /// </summary>
    public async Task<MeetingView> CancelAsync(AccessScope scope, MeetingId id, string? reason, CancellationToken cancellationToken)
    {
        new FieldErrors().Text("reason", reason, new("取消原因", "reason"), 500).ThrowIfAny();
        var cancelled = await ChangeAsync(scope, id, "meeting.cancelled", (meeting, _) =>
        {
            DemandChair(scope, meeting.HostOrganisationId);
            DemandStatus(meeting, new("取消会议", "cancel it"), MeetingStatus.Scheduled, MeetingStatus.AgendaFixed);
            meeting.Status = MeetingStatus.Cancelled;
            meeting.CancelReason = FieldErrors.Stored(reason!);
            return Task.FromResult(new MeetingChange());
        }, cancellationToken);
        if (cancelled.BookingId is { } booking)
        {
            await ReleaseVenueAsync(scope, booking, "会议取消：" + FieldErrors.Stored(reason!), cancellationToken);
        }

        return cancelled;
    }

    /// <summary>The chair fixes the agenda: the window closes, the members are given notice.</summary>
    public Task<MeetingView> FixAgendaAsync(AccessScope scope, MeetingId id, CancellationToken cancellationToken) =>
        ChangeAsync(scope, id, "meeting.agenda-fixed", (meeting, _) =>
        {
            DemandChair(scope, meeting.HostOrganisationId);
            DemandStatus(meeting, new("确定议程", "fix its agenda"), MeetingStatus.Scheduled);
            meeting.Status = MeetingStatus.AgendaFixed;
            meeting.AgendaFixedUtc = time.GetUtcNow().UtcDateTime;
            return Task.FromResult(new MeetingChange());
        }, cancellationToken);

    /// <summary>The chair opens the meeting: check-in starts, and the first agenda point is current.</summary>
    public Task<MeetingView> OpenAsync(AccessScope scope, MeetingId id, CancellationToken cancellationToken) =>
        ChangeAsync(scope, id, "meeting.opened", (meeting, _) =>
        {
            DemandChair(scope, meeting.HostOrganisationId);
            DemandStatus(meeting, new("开会", "open it"), MeetingStatus.AgendaFixed);
            meeting.Status = MeetingStatus.Open;
            meeting.OpenedUtc = time.GetUtcNow().UtcDateTime;
            meeting.CurrentPointId = meeting.Agenda.Where(p => p.IsOnAgenda).OrderBy(p => p.Order).FirstOrDefault()?.Id;
            return Task.FromResult(new MeetingChange());
        }, cancellationToken);

    /// <summary>
    /// The chair closes the meeting: every point must be settled (a vote still open is refused); the minutes are drafted
    /// from the record.
    /// </summary>
    public Task<MeetingView> CloseAsync(AccessScope scope, MeetingId id, CancellationToken cancellationToken) =>
        ChangeAsync(scope, id, "meeting.closed", async (meeting, _) =>
        {
            DemandChair(scope, meeting.HostOrganisationId);
            DemandStatus(meeting, new("散会", "close it"), MeetingStatus.Open);
            if (meeting.Agenda.FirstOrDefault(p => p.IsOnAgenda && p.Outcome is null) is { } open)
            {
                throw new ConflictProblem("meeting.points-open", new(
                    $"议程「{open.Title}」尚未议定，不能散会。", $"The agenda point '{open.Title}' is not settled yet; the meeting cannot close."));
            }

            meeting.Status = MeetingStatus.Closed;
            meeting.ClosedUtc = time.GetUtcNow().UtcDateTime;
            meeting.CurrentPointId = null;
            meeting.Minutes = await DraftMinutesAsync(meeting, cancellationToken);
            return new MeetingChange();
        }, cancellationToken);

    /// <summary>What one change of a meeting tells the bus, beside the meeting itself.</summary>
    private sealed record MeetingChange
    {
        public AgendaPoint? Point { get; init; }

        public bool WithTally { get; init; }

        public IntegrationEvent? Also { get; init; }

        public object? Before { get; init; }

        public object? After { get; init; }

        /// <summary>A reason the event carries for the notices (a venue lost to 平急转换).</summary>
        public string? Note { get; init; }
    }

    private async Task<MeetingView> CreateAsync(AccessScope scope, Meeting meeting, Item? consultation, CancellationToken cancellationToken)
    {
        await CreateAsync(meeting, regularOnce: false, cancellationToken, consultation);
        return await GetAsync(scope, meeting.Id, cancellationToken);
    }

    /// <summary>
    /// Creates the meeting with its review point and the waiting items (or, for an urgent item's consultation, that item
    /// alone, the agenda fixed at once), under the alliance's lock; with <paramref name="regularOnce"/> (the calendar
    /// job, on any number of nodes) only if the alliance has no regular meeting at that start yet. False when it had one.
    /// </summary>
    private async Task<bool> CreateAsync(Meeting meeting, bool regularOnce, CancellationToken cancellationToken, Item? consultation = null)
    {
        var created = false;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async cancel =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancel);
            await TransactionLock.TakeAsync(db, LockKey(meeting.AllianceId.Value), cancel);
            if (regularOnce && await db.Set<Meeting>().AnyAsync(m => m.AllianceId == meeting.AllianceId && m.Kind == MeetingKind.Regular && m.StartsUtc == meeting.StartsUtc, cancel))
            {
                return;
            }

            meeting.Agenda.Clear();
            if (consultation is null)
            {
                await AddReviewPointAsync(meeting, cancel);
                await PullWaitingItemsAsync(meeting, cancel);
            }
            else
            {
                AddConsultationPoint(meeting, consultation);
            }

            db.Add(meeting);
            db.AddOutboxEvent(Changed(meeting, "meeting.scheduled", null, withTally: false));
            if (meeting.Status == MeetingStatus.AgendaFixed)
            {
                db.AddOutboxEvent(Changed(meeting, "meeting.agenda-fixed", null, withTally: false));
            }

            await audit.SaveAsync(new("meeting.scheduled", "meeting", meeting.Id.ToString(), meeting.HostOrganisationId, null,
                new { meeting.Title, meeting.Kind, meeting.StartsUtc, meeting.EndsUtc, meeting.Location, Points = meeting.Agenda.Count, meeting.Status, Urgent = consultation?.Id }), cancel);
            await transaction.CommitAsync(cancel);
            created = true;
        }, cancellationToken);
        db.ChangeTracker.Clear();
        return created;
    }

    /// <summary>
    /// One change of a meeting: in one transaction under the meeting's lock (PostgreSQL: an advisory lock; SQLite: its
    /// write lock), load it, let <paramref name="apply"/> change it (or refuse with a problem), and save it with its
    /// event(s) in the outbox and its audit entry.
    /// </summary>
    private async Task<MeetingView> ChangeAsync(
        AccessScope scope, MeetingId id, string action, Func<Meeting, CancellationToken, Task<MeetingChange>> apply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await ApplyAsync(scope, id, action, async (meeting, cancel) => await apply(meeting, cancel), cancellationToken);
        return await GetAsync(scope, id, cancellationToken);
    }

    /// <summary>As above; without a scope for the host's own jobs (no visibility check), and nothing is saved when <paramref name="apply"/> answers null.</summary>
    private Task<bool> ApplyAsync(
        AccessScope? scope, MeetingId id, string action, Func<Meeting, CancellationToken, Task<MeetingChange?>> apply, CancellationToken cancellationToken) =>
        UnderLockAsync(id, async cancel =>
        {
            var meeting = await LoadAsync(scope, id, tracked: true, cancel);
            if (await apply(meeting, cancel) is not { } change)
            {
                return false;
            }

            meeting.Revision++;
            await SaveChangeAsync(scope, Head.Of(meeting), action, change, change.After ?? new { meeting.Status, Point = change.Point?.Id, change.Point?.Outcome }, cancel);
            return true;
        }, cancellationToken);

    /// <summary>
    /// One transaction under the meeting's lock (PostgreSQL: an advisory lock; SQLite: its write lock), through the
    /// execution strategy; committed when <paramref name="change"/> answers true. False when it answered false.
    /// </summary>
    private async Task<bool> UnderLockAsync(MeetingId id, Func<CancellationToken, Task<bool>> change, CancellationToken cancellationToken)
    {
        var changed = false;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async cancel =>
        {
            db.ChangeTracker.Clear();
            changed = false;
            await using var transaction = await db.Database.BeginTransactionAsync(cancel);
            await TransactionLock.TakeAsync(db, LockKey(id.Value), cancel);
            if (await change(cancel))
            {
                await transaction.CommitAsync(cancel);
                changed = true;
            }
        }, cancellationToken);
        db.ChangeTracker.Clear();
        return changed;
    }

    /// <summary>
    /// The end of every meeting change, inside its transaction, <paramref name="meeting"/> as it is after the change (its
    /// revision raised): its event(s) in the host outbox, and its audit entry saved with every tracked change in one SaveChanges.
    /// </summary>
    private async Task SaveChangeAsync(AccessScope? scope, Head meeting, string action, MeetingChange change, object after, CancellationToken cancellationToken)
    {
        db.AddOutboxEvent(Changed(meeting, action, change.Point, change.WithTally) with { Note = change.Note });
        if (change.Also is MeetingItemDecided decided)
        {
            db.AddOutboxEvent(decided);
        }

        var host = meeting.HostOrganisationId;
        await audit.SaveAsync(new(action, "meeting", meeting.Id.ToString(), scope?.ActingOrganisationIds.Contains(host) == true ? host : null, change.Before, after), cancellationToken);
    }

    /// <summary>
    /// What a meeting's event and audit entry need of the meeting: its own row and its attendance counts (a ballot reads
    /// these, not the agenda and the members).
    /// </summary>
    private sealed record Head(MeetingId Id, AllianceId AllianceId, OrganisationId HostOrganisationId, MeetingStatus Status, int Revision, int Members, int Present)
    {
        public static Head Of(Meeting meeting) =>
            new(meeting.Id, meeting.AllianceId, meeting.HostOrganisationId, meeting.Status, meeting.Revision, meeting.Members.Count, meeting.Present);
    }

    private static MeetingChanged Changed(Meeting meeting, string action, AgendaPoint? point, bool withTally) =>
        Changed(Head.Of(meeting), action, point, withTally);

    private static MeetingChanged Changed(Head meeting, string action, AgendaPoint? point, bool withTally) =>
        new(meeting.Id.Value, meeting.AllianceId.Value, action, Wire(meeting.Status), meeting.Present, meeting.Members)
        {
            Revision = meeting.Revision,
            PointId = point?.Id,
            ItemId = point?.ItemId?.Value,
            Outcome = point?.Outcome is { } outcome ? Wire(outcome) : null,
            Tally = withTally && point is not null
                ? new MeetingTally(point.VotesFor, point.VotesAgainst, point.VotesAbstain, point.Eligible, point.VoteOpen, point.TallyRevision,
                    point.Outcome is { } o ? Wire(o) : null)
                : null,
        };

    /// <summary>The JSON name of an enum value (<c>agendaFixed</c>, <c>resolved</c>, ...).</summary>
    internal static string Wire<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        global::System.Text.Json.JsonSerializer.Serialize(value).Trim('"');

    private static long LockKey(Guid id) => BitConverter.ToInt64(id.ToByteArray(), 8) ^ 0x6d656574;

    /// <summary>The meeting with its agenda and members; 404 outside <paramref name="scope"/> (none: the host's own jobs see every meeting).</summary>
    private async Task<Meeting> LoadAsync(AccessScope? scope, MeetingId id, bool tracked, CancellationToken cancellationToken)
    {
        var query = db.Set<Meeting>().Include(m => m.Agenda).Include(m => m.Members).AsSplitQuery();
        var meeting = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        return meeting is not null && (scope is null || scope.CanSeeAlliance(meeting.AllianceId)) ? meeting : throw new NotFoundProblem(Thing);
    }

    /// <summary>The chair's actions: the people who hold the chair role at the alliance's host (社区书记, 街道党工委书记).</summary>
    private static void DemandChair(AccessScope scope, OrganisationId host)
    {
        if (!IsChair(scope, host))
        {
            throw new ForbiddenProblem("meeting.not-chair", new("只有联盟牵头组织的书记（会议主持人）可以这样做。", "Only the chair of the alliance's host can do this."));
        }
    }

    internal static bool IsChair(AccessScope scope, OrganisationId host) =>
        WorkflowRoles.ByOrganisation(scope).GetValueOrDefault(host)?.Contains(WorkflowRoles.Chair) == true;

    private static void DemandStatus(Meeting meeting, BilingualText action, params MeetingStatus[] allowed)
    {
        if (!allowed.Contains(meeting.Status))
        {
            var (zh, en) = StatusText(meeting.Status);
            throw new ConflictProblem("meeting.status", new($"会议{zh}，不能{action.Zh}。", $"The meeting {en}; you cannot {action.En}."));
        }
    }

    private static (string Zh, string En) StatusText(MeetingStatus status) => status switch
    {
        MeetingStatus.Scheduled => ("尚在征集议题", "is still collecting its agenda"),
        MeetingStatus.AgendaFixed => ("议程已确定、尚未开会", "has its agenda fixed and has not opened"),
        MeetingStatus.Open => ("正在进行", "is in session"),
        MeetingStatus.Closed => ("已散会", "has closed"),
        MeetingStatus.MinutesPublished => ("纪要已发布", "has its minutes published"),
        _ => ("已取消", "is cancelled"),
    };
}
