using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Meetings;

/// <summary>A meeting to schedule; with <see cref="VenueId"/> a shared venue is booked for it through the booking route (conflicts, hours and capacity checked there).</summary>
public sealed record ScheduleMeetingRequest(
    AllianceId? AllianceId, MeetingKind? Kind, string? Title, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Location, Resources.ResourceId? VenueId = null,
    ItemId? UrgentItemId = null);

public sealed record AddAgendaItemRequest(ItemId? ItemId);

/// <summary>An item that waits for a meeting and may be added to this one's agenda by hand.</summary>
public sealed record WaitingItemView(ItemId Id, string Title, ItemKind Kind, string Category, DateTime SubmittedUtc);

public sealed record ReasonRequest(string? Reason);

public sealed record ReorderAgendaRequest(IReadOnlyList<Guid>? Points);

public sealed record ReplyRequest(MeetingReply? Reply, string? Reason, string? DeputyName, OrganisationId? OrganisationId);

public sealed record CheckInRequest(OrganisationId? OrganisationId);

public sealed record NotesRequest(string? Notes);

public sealed record BallotRequest(BallotChoice? Choice, OrganisationId? OrganisationId);

/// <summary>
/// How the chair settles a point: the outcome (not for closing a vote, whose outcome is its result), the resolution or
/// reason, and for a resolution's joint task its lead unit and due date.
/// </summary>
public sealed record DecideRequest(AgendaOutcome? Outcome, string? Resolution, OrganisationId? LeadUnitId, DateOnly? DueDate);

public sealed record MinutesRequest(string? Minutes);

public sealed record MeetingSummary(
    MeetingId Id, AllianceId AllianceId, string? AllianceName, MeetingKind Kind, string Title, DateTime StartsUtc, DateTime EndsUtc, string? Location,
    MeetingStatus Status, int Points, int Members, int Present);

/// <summary>A meeting ahead or in session with the titles of its agenda, in order (the chair's board).</summary>
public sealed record UpcomingMeeting(MeetingSummary Meeting, IReadOnlyList<string> Agenda);

public sealed record AgendaPointView(
    Guid Id, int Order, AgendaPointKind Kind, ItemId? ItemId, string Title, string? Category, string? ItemStatus, string? Summary, string? Notes,
    bool Removed, string? RemovedReason, bool VoteOpen, bool Voted, int Eligible, int For, int Against, int Abstain, string? Threshold, AgendaOutcome? Outcome,
    string? Resolution, OrganisationId? LeadUnitId, DateOnly? DueDate, DateTime? DecidedUtc, int EarlierDeferrals, BallotChoice? YourBallot,
    IReadOnlyList<MemberBallotView> YourBallots);

/// <summary>The ballot of one member the caller answers for (<see cref="AgendaPointView.YourBallot"/> is the first of them).</summary>
public sealed record MemberBallotView(OrganisationId OrganisationId, BallotChoice Choice);

public sealed record MeetingMemberView(
    OrganisationId OrganisationId, string Name, MeetingReply? Reply, string? AbsenceReason, string? DeputyName, DateTime? RepliedUtc, DateTime? CheckedInUtc);

/// <summary>What the caller may do at this meeting: chair it, and answer for which members.</summary>
public sealed record MeetingRoleView(bool Chair, bool Preparer, IReadOnlyList<OrganisationId> MemberFor);

public sealed record MeetingView(
    MeetingId Id, AllianceId AllianceId, string? AllianceName, OrganisationId HostOrganisationId, MeetingKind Kind, string Title, DateTime StartsUtc,
    DateTime EndsUtc, string? Location, Resources.ResourceId? VenueId, Resources.BookingId? BookingId, MeetingStatus Status, Guid? CurrentPointId, int Members, int Present, string Quorum, bool QuorumReached,
    IReadOnlyList<AgendaPointView> Agenda, IReadOnlyList<MeetingMemberView> Attendance, string? Minutes, DateTime CreatedUtc, DateTime? AgendaFixedUtc,
    DateTime? OpenedUtc, DateTime? ClosedUtc, DateTime? MinutesPublishedUtc, string? CancelReason, int Revision, MeetingRoleView You);

public sealed partial class MeetingOperations
{
    private async Task<MeetingView> ViewAsync(AccessScope scope, Meeting meeting, CancellationToken cancellationToken)
    {
        var alliance = await db.Alliances.AsNoTracking().Where(a => a.Id == meeting.AllianceId).Select(a => new { a.Name, a.Rules }).SingleAsync(cancellationToken);
        var ids = meeting.Members.Select(m => m.OrganisationId).ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        var itemIds = meeting.Agenda.Where(p => p.ItemId is not null).Select(p => p.ItemId!.Value).ToList();
        var statuses = await db.Set<Item>().AsNoTracking().Where(i => itemIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Status, cancellationToken);
        var deferrals = await db.Set<AgendaPoint>().AsNoTracking().Where(p => p.ItemId != null && itemIds.Contains(p.ItemId.Value) && p.Outcome == AgendaOutcome.Deferred)
            .Select(p => new { p.ItemId, p.MeetingId }).ToListAsync(cancellationToken);
        var mine = meeting.Members.Where(m => scope.CanActFor(m.OrganisationId)).Select(m => m.OrganisationId).ToList();
        var pointIds = meeting.Agenda.Select(p => p.Id).ToList();
        var ballots = mine.Count == 0 ? [] : await db.Set<MeetingBallot>().AsNoTracking()
            .Where(b => pointIds.Contains(b.PointId) && mine.Contains(b.OrganisationId)).ToListAsync(cancellationToken);
        var rules = alliance.Rules;
        return new MeetingView(
            meeting.Id, meeting.AllianceId, alliance.Name, meeting.HostOrganisationId, meeting.Kind, meeting.Title, meeting.StartsUtc, meeting.EndsUtc,
            meeting.Location, meeting.VenueId, meeting.BookingId, meeting.Status, meeting.CurrentPointId, meeting.Members.Count, meeting.Present, rules.Quorum.ToString(),
            meeting.HasQuorum(rules.Quorum),
            [.. meeting.Agenda.OrderBy(p => p.RemovedUtc is null ? 0 : 1).ThenBy(p => p.Order).Select(p => new AgendaPointView(
                p.Id, p.Order, p.Kind, p.ItemId, p.Title, p.Category, p.ItemId is { } item ? statuses.GetValueOrDefault(item) : null, p.Summary, p.Notes,
                !p.IsOnAgenda, p.RemovedReason, p.VoteOpen, p.VoteClosedUtc is not null, p.Eligible, p.VotesFor, p.VotesAgainst, p.VotesAbstain,
                p.Kind == AgendaPointKind.Decision
                    ? (rules.QualifiedCategories.Contains(p.Category ?? "", StringComparer.Ordinal) ? rules.QualifiedPassThreshold : rules.PassThreshold).ToString()
                    : null,
                p.Outcome, p.Resolution, p.LeadUnitId, p.DueDate, p.DecidedUtc,
                deferrals.Count(d => d.ItemId == p.ItemId && d.MeetingId != meeting.Id),
                ballots.FirstOrDefault(b => b.PointId == p.Id)?.Choice,
                [.. ballots.Where(b => b.PointId == p.Id).Select(b => new MemberBallotView(b.OrganisationId, b.Choice))]))],
            [.. meeting.Members.OrderBy(m => names.GetValueOrDefault(m.OrganisationId), StringComparer.Ordinal).Select(m => new MeetingMemberView(
                m.OrganisationId, names.GetValueOrDefault(m.OrganisationId) ?? "", m.Reply, m.AbsenceReason, m.DeputyName, m.RepliedUtc, m.CheckedInUtc))],
            meeting.Minutes, meeting.CreatedUtc, meeting.AgendaFixedUtc, meeting.OpenedUtc, meeting.ClosedUtc, meeting.MinutesPublishedUtc, meeting.CancelReason,
            meeting.Revision,
            new MeetingRoleView(IsChair(scope, meeting.HostOrganisationId),
                WorkflowRoles.ByOrganisation(scope).GetValueOrDefault(meeting.HostOrganisationId)?.Contains(WorkflowRoles.Secretary) == true, mine));
    }
}
