using System.Text.Json.Nodes;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Resources.BookingsApi;

namespace Alliance.Server.Features.Resources;

/// <summary>
/// A request waiting on one of the caller's resources: the booking, who asked, and its approval task's deadline. When the
/// deadline passed the task went to the alliance's chair (<paramref name="Escalated"/>); <paramref name="CanDecide"/> says
/// whether the caller may still approve or decline it.
/// </summary>
public sealed record PendingRequest(BookingResponse Booking, string RequesterName, DateTimeOffset? Deadline, bool Escalated, bool CanDecide);

/// <summary>One resource the caller's organisation owns: what it is, how many requests wait on it, and its emergency periods not yet switched back.</summary>
public sealed record OwnedResource(
    ResourceId Id, string Name, ResourceKind Kind, VenueType? VenueType, string OwnerName, int Capacity, ResourceStatus Status, int Pending,
    IReadOnlyList<EmergencyApi.EmergencyResponse> Emergencies);

/// <summary>The owner's side of 资源共享 for the caller: their organisations' resources and the requests waiting on them, earliest deadline first.</summary>
public sealed record OwnerDesk(IReadOnlyList<OwnedResource> Resources, IReadOnlyList<PendingRequest> Pending);

/// <summary>
/// The owner's decision on a booking request (批准 / 拒绝). The decision is the route's approval task
/// (<c>resource-request</c>, step <c>approve</c>), so both go through <see cref="TaskOperations.CompleteAsync"/>, the code
/// <c>POST /api/tasks/{id}/complete</c> runs: who may decide (a member of the owner, or the chair once escalated) is checked
/// there, and <see cref="BookingProjection"/> confirms the booking or frees its slot in the same commit. Here: the
/// owner's desk (what waits on their resources), and a decline needs a reason, which the requester sees.
/// </summary>
public sealed class BookingDecisions(AllianceDbContext db, TaskOperations tasks)
{
    /// <summary>The route's step that decides a request.</summary>
    public const string ApprovalStep = "approve";

    /// <summary>The resources owned by the organisations the caller acts for, and the pending requests on them.</summary>
    public async Task<OwnerDesk> DeskAsync(AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var acting = scope.ActingOrganisationIds.ToList();
        var resources = await db.Set<Resource>().AsNoTracking().Where(r => acting.Contains(r.OwnerId)).ToListAsync(cancellationToken);
        var ids = resources.Select(r => r.Id).ToList();
        var pending = await db.Set<Booking>().AsNoTracking().Where(b => ids.Contains(b.ResourceId) && b.Status == BookingStatus.Pending).ToListAsync(cancellationToken);
        var emergencies = await db.Set<ResourceEmergency>().AsNoTracking().Where(e => ids.Contains(e.ResourceId) && e.EndedUtc == null).ToListAsync(cancellationToken);
        var itemIds = pending.Where(b => b.ItemId is not null).Select(b => b.ItemId!.Value).ToList();
        var approvals = await db.Set<ItemTask>().AsNoTracking().Where(t => itemIds.Contains(t.ItemId) && t.Step == ApprovalStep && t.ClosedUtc == null)
            .ToListAsync(cancellationToken);
        var names = await ResourceCatalogue.OwnerNamesAsync(db, resources.Select(r => r.OwnerId).Concat(pending.Select(b => b.RequesterId)), cancellationToken);
        var byId = resources.ToDictionary(r => r.Id);
        var requests = pending.Select(b =>
        {
            var task = approvals.FirstOrDefault(t => t.ItemId == b.ItemId);
            return new PendingRequest(BookingResponse.From(b, byId[b.ResourceId]), names.GetValueOrDefault(b.RequesterId) ?? "",
                BookingLifecycle.Utc(task?.DeadlineUtc), task?.Escalated == true, task is not null && TaskOperations.ActorFor(scope, task) is not null);
        }).OrderBy(p => p.Deadline ?? DateTimeOffset.MaxValue).ThenBy(p => p.Booking.Start).ToList();
        var owned = resources.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => new OwnedResource(
            r.Id, r.Name, r.Kind, r.VenueType, names[r.OwnerId], r.Capacity, r.Status, pending.Count(b => b.ResourceId == r.Id),
            [.. emergencies.Where(e => e.ResourceId == r.Id).OrderBy(e => e.FromUtc).Select(e => EmergencyApi.EmergencyResponse.Of(e, []))])).ToList();
        return new OwnerDesk(owned, requests);
    }

    /// <summary>Approves a pending request (批准), with an optional note; the booking is confirmed and both sides are told.</summary>
    public Task<BookingResponse> ApproveAsync(AccessScope scope, BookingId id, string? note, CancellationToken cancellationToken) =>
        DecideAsync(scope, id, "approve", string.IsNullOrWhiteSpace(note) ? null : note.Trim(), cancellationToken);

    /// <summary>Declines a pending request (拒绝) with a reason (required, at most 1000 characters); the slot is freed and the requester sees the reason.</summary>
    public async Task<BookingResponse> DeclineAsync(AccessScope scope, BookingId id, string? reason, CancellationToken cancellationToken)
    {
        new FieldErrors().Text("reason", reason, new("拒绝原因", "reason for declining"), 1000).ThrowIfAny();
        return await DecideAsync(scope, id, "decline", reason!.Trim(), cancellationToken);
    }

    private async Task<BookingResponse> DecideAsync(AccessScope scope, BookingId id, string outcome, string? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (booking, _) = await BookingLifecycle.FindVisibleAsync(db, scope, id, cancellationToken);
        if (booking.Status != BookingStatus.Pending)
        {
            throw new ConflictProblem("booking.decided", new("该预约已处理，无需再审批。", "The booking has already been decided or closed."));
        }

        var task = booking.ItemId is { } item
            ? await db.Set<ItemTask>().AsNoTracking().SingleOrDefaultAsync(t => t.ItemId == item && t.Step == ApprovalStep && t.ClosedUtc == null, cancellationToken)
            : null;
        if (task is null)
        {
            throw new ConflictProblem("booking.no-approval", new("该预约当前没有待审批的任务，请稍后刷新。", "The booking has no open approval right now; reload later."));
        }

        var fields = new JsonObject();
        if (note is not null)
        {
            fields["note"] = note;
        }

        await tasks.CompleteAsync(scope, task.Id, new TasksApi.CompleteTaskRequest(outcome, note, fields), cancellationToken);
        db.ChangeTracker.Clear();
        var (saved, resource) = await BookingLifecycle.FindVisibleAsync(db, scope, id, cancellationToken);
        return BookingResponse.From(saved, resource);
    }
}
