using System.Globalization;
using System.Text;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Meetings;

/// <summary>
/// The agenda: the review of the last meeting's resolutions first, then the deliberation and decision items that wait
/// for a meeting (their route's <c>resolve</c> step is open), which join the agenda window by themselves while it is open.
/// The chair adds, removes (with a reason), orders and fixes it; while the meeting is open the chair moves through it.
/// </summary>
public sealed partial class MeetingOperations
{
    /// <summary>The route step a meeting completes: the item waits there for the meeting (deliberation v3, decision v2; deliberation v2 at the chair).</summary>
    public const string MeetingStep = "resolve";

    /// <summary>The role of a route step that only a meeting completes (no person holds it).</summary>
    public const string MeetingRole = "joint-meeting";

    private static readonly ItemKind[] MeetingKinds = [ItemKind.Deliberation, ItemKind.Decision];

    /// <summary>Takes the items that began waiting since the agenda window opened onto it (the window stays open until the agenda is fixed).</summary>
    public Task<MeetingView> RefreshAgendaAsync(AccessScope scope, MeetingId id, CancellationToken cancellationToken) =>
        ChangeAsync(scope, id, "meeting.agenda-changed", async (meeting, cancel) =>
        {
            DemandPreparer(scope, meeting);
            DemandStatus(meeting, new("更新议程", "change its agenda"), MeetingStatus.Scheduled);
            var added = await PullWaitingItemsAsync(meeting, cancel);
            return new MeetingChange { After = new { Added = added } };
        }, cancellationToken);

    /// <summary>
    /// The items the preparer may add by hand while the agenda window is open: the alliance's deliberation and decision
    /// items that wait for a meeting and are on no open meeting's agenda (those <see cref="AddItemAsync"/> accepts),
    /// oldest first. Empty once the agenda is fixed; 403 for anyone but the chair or the host's secretary.
    /// </summary>
    public async Task<IReadOnlyList<WaitingItemView>> WaitingAsync(AccessScope scope, MeetingId id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var meeting = await LoadAsync(scope, id, tracked: false, cancellationToken);
        DemandPreparer(scope, meeting);
        if (meeting.Status != MeetingStatus.Scheduled)
        {
            return [];
        }

        var items = await WaitingItemsAsync(meeting, cancellationToken);
        return [.. items.OrderBy(i => i.CreatedUtc).Select(i => new WaitingItemView(i.Id, i.Title, i.Kind, i.Category, i.CreatedUtc))];
    }

    /// <summary>Adds one waiting item of the alliance to the agenda (one on another open meeting's agenda is refused).</summary>
    public Task<MeetingView> AddItemAsync(AccessScope scope, MeetingId id, ItemId? itemId, CancellationToken cancellationToken)
    {
        new FieldErrors().Required<ItemId>("itemId", itemId, new("事项", "item")).ThrowIfAny();
        return ChangeAsync(scope, id, "meeting.agenda-changed", async (meeting, cancel) =>
        {
            DemandPreparer(scope, meeting);
            DemandStatus(meeting, new("更新议程", "change its agenda"), MeetingStatus.Scheduled);
            var waiting = await WaitingItemsAsync(meeting, cancel);
            var item = waiting.Find(i => i.Id == itemId!.Value);
            if (item is null)
            {
                throw ValidationProblem.For("itemId", "只能列入本联盟待上会的大事共议或要事共决事项（且未列入其他会议）。",
                    "Only a deliberation or decision item of this alliance that awaits a meeting (and is on no other meeting's agenda) can be added.");
            }

            var point = AddPoint(meeting, item);
            return new MeetingChange { Point = point, After = new { Added = point.ItemId, point.Order } };
        }, cancellationToken);
    }

    /// <summary>
    /// Removes a point that is not settled from the agenda, with a reason, until the meeting closes (also while it is
    /// open: an item withdrawn or settled elsewhere must not keep the meeting from closing); the item waits for the next
    /// meeting if it still waits at all.
    /// </summary>
    public Task<MeetingView> RemovePointAsync(AccessScope scope, MeetingId id, Guid pointId, string? reason, CancellationToken cancellationToken)
    {
        new FieldErrors().Text("reason", reason, new("移出原因", "reason"), 500).ThrowIfAny();
        return ChangeAsync(scope, id, "meeting.agenda-changed", (meeting, _) =>
        {
            DemandPreparer(scope, meeting);
            DemandStatus(meeting, new("移出议程", "remove an agenda point"), MeetingStatus.Scheduled, MeetingStatus.AgendaFixed, MeetingStatus.Open);
            var point = Point(meeting, pointId);
            if (!point.IsOnAgenda)
            {
                throw new ConflictProblem("meeting.point-removed", new("该议程已移出。", "The agenda point is already removed."));
            }

            if (point.Outcome is not null || point.VoteOpen)
            {
                throw new ConflictProblem("meeting.point-decided", new("该议程已议定或正在表决，不能移出。", "The agenda point is settled or being voted on; it cannot be removed."));
            }

            point.RemovedUtc = time.GetUtcNow().UtcDateTime;
            if (meeting.CurrentPointId == point.Id)
            {
                meeting.CurrentPointId = null;
            }

            point.RemovedReason = FieldErrors.Stored(reason!);
            Renumber(meeting);
            return Task.FromResult(new MeetingChange { Point = point, After = new { Removed = point.Id, point.ItemId, point.RemovedReason } });
        }, cancellationToken);
    }

    /// <summary>Orders the agenda: <paramref name="order"/> names every point on it once; the review point stays first.</summary>
    public Task<MeetingView> ReorderAsync(AccessScope scope, MeetingId id, IReadOnlyList<Guid>? order, CancellationToken cancellationToken)
    {
        if (order is null)
        {
            throw ValidationProblem.For("points", "请填写议程顺序。", "The order of points is required.");
        }

        return ChangeAsync(scope, id, "meeting.agenda-changed", (meeting, _) =>
        {
            DemandPreparer(scope, meeting);
            DemandStatus(meeting, new("更新议程", "change its agenda"), MeetingStatus.Scheduled);
            var on = meeting.Agenda.Where(p => p.IsOnAgenda && p.Kind != AgendaPointKind.Review).Select(p => p.Id).ToHashSet();
            if (order!.Count != on.Count || !order.All(on.Contains) || order.Distinct().Count() != order.Count)
            {
                throw ValidationProblem.For("points", "请按新顺序列出议程中除“上次决议落实情况”外的每一项，每项一次。",
                    "List every agenda point except the review of the last resolutions, each once, in the new order.");
            }

            var first = meeting.Agenda.Any(p => p.IsOnAgenda && p.Kind == AgendaPointKind.Review) ? 2 : 1;
            for (var i = 0; i < order.Count; i++)
            {
                meeting.Agenda.Single(p => p.Id == order[i]).Order = first + i;
            }

            return Task.FromResult(new MeetingChange { After = new { Order = order } });
        }, cancellationToken);
    }

    /// <summary>While the meeting is open, the chair makes a point the current one (a point with an open vote cannot be left).</summary>
    public Task<MeetingView> SetCurrentAsync(AccessScope scope, MeetingId id, Guid pointId, CancellationToken cancellationToken) =>
        ChangeAsync(scope, id, "meeting.point-current", (meeting, _) =>
        {
            DemandChair(scope, meeting.HostOrganisationId);
            DemandStatus(meeting, new("切换议程", "move through its agenda"), MeetingStatus.Open);
            var point = OnAgenda(meeting, pointId);
            if (meeting.Agenda.FirstOrDefault(p => p.VoteOpen && p.Id != pointId) is { } voting)
            {
                throw new ConflictProblem("meeting.vote-open", new($"「{voting.Title}」正在表决，请先结束表决。", $"'{voting.Title}' is being voted on; close that vote first."));
            }

            meeting.CurrentPointId = point.Id;
            return Task.FromResult(new MeetingChange { Point = point });
        }, cancellationToken);

    /// <summary>The chair (or the host's secretary) records the discussion of a point (会议记录), while the meeting is open.</summary>
    public Task<MeetingView> NoteAsync(AccessScope scope, MeetingId id, Guid pointId, string? notes, CancellationToken cancellationToken)
    {
        new FieldErrors().Text("notes", notes, new("记录", "notes"), 8000).ThrowIfAny();
        return ChangeAsync(scope, id, "meeting.point-noted", (meeting, _) =>
        {
            DemandPreparer(scope, meeting);
            DemandStatus(meeting, new("记录议程", "take notes"), MeetingStatus.Open);
            var point = OnAgenda(meeting, pointId);
            point.Notes = FieldErrors.Stored(notes!);
            return Task.FromResult(new MeetingChange { Point = point, After = new { point.Id, point.Notes } });
        }, cancellationToken);
    }

    /// <summary>Adds every waiting item not yet on the agenda; returns how many were added.</summary>
    private async Task<int> PullWaitingItemsAsync(Meeting meeting, CancellationToken cancellationToken)
    {
        var waiting = await WaitingItemsAsync(meeting, cancellationToken);
        foreach (var item in waiting.OrderBy(i => i.CreatedUtc))
        {
            AddPoint(meeting, item);
        }

        return waiting.Count;
    }

    /// <summary>
    /// The alliance's deliberation and decision items whose route waits for a meeting (an open <c>resolve</c> step that no
    /// meeting has settled yet: a settled step stays open until its outcome reaches the route over the bus), not already
    /// on this agenda or on the agenda of another meeting that has not closed.
    /// </summary>
    private async Task<List<Item>> WaitingItemsAsync(Meeting meeting, CancellationToken cancellationToken)
    {
        var onOpenMeetings = db.Set<AgendaPoint>().Where(p => p.ItemId != null && p.RemovedUtc == null && p.Outcome == null
            && db.Set<Meeting>().Any(m => m.Id == p.MeetingId && (m.Status == MeetingStatus.Scheduled || m.Status == MeetingStatus.AgendaFixed || m.Status == MeetingStatus.Open)))
            .Select(p => p.ItemId);
        var items = await db.Set<Item>().AsNoTracking()
            .Where(i => i.AllianceId == meeting.AllianceId && i.ClosedUtc == null && MeetingKinds.Contains(i.Kind)
                && db.Set<ItemTask>().Any(t => t.ItemId == i.Id && t.Step == MeetingStep && t.ClosedUtc == null
                    && !db.Set<AgendaPoint>().Any(p => p.RouteTaskId == t.Id))
                && !onOpenMeetings.Contains(i.Id))
            .ToListAsync(cancellationToken);
        var here = meeting.Agenda.Where(p => p.IsOnAgenda && p.Outcome is null && p.ItemId is not null).Select(p => p.ItemId!.Value).ToHashSet();
        return [.. items.Where(i => !here.Contains(i.Id))];
    }

    /// <summary>
    /// A new point for <paramref name="item"/> at the end of the agenda, tracked as added: found only through the tracked
    /// meeting's collection, a point with its id already set would be taken for an existing row and updated (0 rows:
    /// a concurrency failure), as putting a removed item back by hand once was.
    /// </summary>
    private AgendaPoint AddPoint(Meeting meeting, Item item)
    {
        var point = new AgendaPoint
        {
            Id = Guid.CreateVersion7(),
            MeetingId = meeting.Id,
            Order = meeting.Agenda.Count(p => p.IsOnAgenda) + 1,
            Kind = item.Kind == ItemKind.Decision ? AgendaPointKind.Decision : AgendaPointKind.Deliberation,
            ItemId = item.Id,
            Title = item.Title,
            Category = item.Category,
        };
        meeting.Agenda.Add(point);
        db.Add(point);
        return point;
    }

    /// <summary>
    /// 上次决议落实情况: the first point, generated from the alliance's last meeting that closed: each item it resolved,
    /// where the item stands now, and the joint tasks it started.
    /// </summary>
    private async Task AddReviewPointAsync(Meeting meeting, CancellationToken cancellationToken)
    {
        var last = await db.Set<Meeting>().AsNoTracking().Include(m => m.Agenda)
            .Where(m => m.AllianceId == meeting.AllianceId && (m.Status == MeetingStatus.Closed || m.Status == MeetingStatus.MinutesPublished))
            .OrderByDescending(m => m.ClosedUtc).FirstOrDefaultAsync(cancellationToken);
        var summary = new StringBuilder();
        if (last is null)
        {
            summary.Append("本联盟此前没有已召开的联席会议，无待落实的决议。");
        }
        else
        {
            var resolved = last.Agenda.Where(p => p.Outcome == AgendaOutcome.Resolved && p.ItemId is not null).OrderBy(p => p.Order).ToList();
            summary.Append(CultureInfo.InvariantCulture, $"上次会议「{last.Title}」共议定 {resolved.Count} 项。");
            var ids = resolved.Select(p => p.ItemId!.Value).ToList();
            var items = await db.Set<Item>().AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
            var children = await db.Set<Item>().AsNoTracking().Where(i => i.ParentItemId != null && ids.Contains(i.ParentItemId.Value)).ToListAsync(cancellationToken);
            var n = 0;
            foreach (var point in resolved)
            {
                var item = items.GetValueOrDefault(point.ItemId!.Value);
                var tasks = children.Where(c => c.ParentItemId == point.ItemId).ToList();
                summary.Append('\n').Append(++n).Append(". ").Append(point.Title).Append('：')
                    .Append(item is null ? "事项不可见" : item.IsClosed ? "事项已办结" : $"事项办理中（{item.Status}）");
                if (tasks.Count > 0)
                {
                    var done = tasks.Count(t => t.IsClosed);
                    summary.Append(CultureInfo.InvariantCulture, $"；联合任务 {tasks.Count} 项，已完成 {done} 项");
                    foreach (var open in tasks.Where(t => !t.IsClosed))
                    {
                        summary.Append(CultureInfo.InvariantCulture, $"，「{open.Title}」尚在办理（{open.Status}{(open.Overdue ? "，已逾期" : "")}）");
                    }
                }

                summary.Append('。');
            }
        }

        meeting.Agenda.Add(new AgendaPoint
        {
            Id = Guid.CreateVersion7(),
            MeetingId = meeting.Id,
            Order = 1,
            Kind = AgendaPointKind.Review,
            Title = "上次决议落实情况",
            Summary = summary.ToString(),
        });
    }

    private static void Renumber(Meeting meeting)
    {
        var n = 0;
        foreach (var point in meeting.Agenda.Where(p => p.IsOnAgenda).OrderBy(p => p.Order))
        {
            point.Order = ++n;
        }
    }

    /// <summary>Preparing the agenda and the record: the chair, or the host's secretary (staff).</summary>
    private static void DemandPreparer(AccessScope scope, Meeting meeting)
    {
        if (WorkflowRoles.ByOrganisation(scope).GetValueOrDefault(meeting.HostOrganisationId)?.Contains(WorkflowRoles.Secretary) != true)
        {
            throw new ForbiddenProblem("meeting.not-chair", new("只有联盟牵头组织的书记或工作人员可以准备议程和记录。", "Only the chair or staff of the alliance's host can prepare the agenda and the record."));
        }
    }

    private static AgendaPoint Point(Meeting meeting, Guid pointId) => OfMeeting(meeting.Agenda.FirstOrDefault(p => p.Id == pointId));

    /// <summary>404 unless the meeting has the point.</summary>
    private static AgendaPoint OfMeeting(AgendaPoint? point) => point ?? throw new NotFoundProblem(new BilingualText("议程", "agenda point"));

    private static AgendaPoint OnAgenda(Meeting meeting, Guid pointId) => OnAgenda(Point(meeting, pointId));

    private static AgendaPoint OnAgenda(AgendaPoint point) =>
        point.IsOnAgenda ? point : throw new ConflictProblem("meeting.point-removed", new("该议程已移出。", "The agenda point is removed."));
}
