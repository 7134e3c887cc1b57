using Alliance.Server.Features.Access;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Problems;

namespace Alliance.Server.Features.Meetings;

/// <summary>
/// Attendance: each member answers the notice (attend, absent with a reason, or a named deputy), and checks in when
/// the meeting opens; the chair may mark a member present. Quorum counts the members checked in.
/// </summary>
public sealed partial class MeetingOperations
{
    /// <summary>A member's answer to the notice, until the meeting opens (it may be changed).</summary>
    public Task<MeetingView> ReplyAsync(AccessScope scope, MeetingId id, ReplyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("reply", request.Reply, new("回复", "reply"));
        errors.Text("reason", request.Reason, new("缺席原因", "reason for absence"), 500, required: request.Reply == MeetingReply.Absent);
        errors.Text("deputyName", request.DeputyName, new("委托参会人", "deputy's name"), 50, required: request.Reply == MeetingReply.Deputy);
        errors.ThrowIfAny();
        return ChangeAsync(scope, id, "meeting.replied", (meeting, _) =>
        {
            var member = MemberFor(scope, meeting, request.OrganisationId, chairMay: false);
            DemandStatus(meeting, new("回复参会", "reply to its notice"), MeetingStatus.Scheduled, MeetingStatus.AgendaFixed);
            var before = new { member.Reply, member.AbsenceReason, member.DeputyName };
            member.Reply = request.Reply;
            member.AbsenceReason = request.Reply == MeetingReply.Absent ? FieldErrors.Stored(request.Reason!) : null;
            member.DeputyName = request.Reply == MeetingReply.Deputy ? FieldErrors.Stored(request.DeputyName!) : null;
            member.RepliedUtc = time.GetUtcNow().UtcDateTime;
            return Task.FromResult(new MeetingChange { Before = before, After = new { member.OrganisationId, member.Reply, member.AbsenceReason, member.DeputyName } });
        }, cancellationToken);
    }

    /// <summary>A member checks in (itself, or by its named deputy), or the chair marks it present; checking in twice changes nothing more.</summary>
    public Task<MeetingView> CheckInAsync(AccessScope scope, MeetingId id, OrganisationId? organisationId, CancellationToken cancellationToken) =>
        ChangeAsync(scope, id, "meeting.checked-in", (meeting, _) =>
        {
            var member = MemberFor(scope, meeting, organisationId, chairMay: true);
            DemandStatus(meeting, new("签到", "check in"), MeetingStatus.Open);
            if (member.CheckedInUtc is null)
            {
                member.CheckedInUtc = time.GetUtcNow().UtcDateTime;
                member.CheckedInBy = scope.UserId;
            }

            return Task.FromResult(new MeetingChange { After = new { member.OrganisationId, member.CheckedInUtc, ByChair = !scope.CanActFor(member.OrganisationId) } });
        }, cancellationToken);

    /// <summary>
    /// The member the caller answers for: the one named (they must act for it, or be the chair when
    /// <paramref name="chairMay"/>), else the one member they act for. 403 when they answer for none.
    /// </summary>
    private static MeetingMember MemberFor(AccessScope scope, Meeting meeting, OrganisationId? named, bool chairMay) =>
        MemberFor(scope, meeting.Members, meeting.HostOrganisationId, named, chairMay);

    /// <summary>
    /// As above, from <paramref name="members"/>: all the meeting's members, or at least the one named, or (none named)
    /// those the caller acts for (<see cref="Candidates"/>).
    /// </summary>
    private static MeetingMember MemberFor(AccessScope scope, IEnumerable<MeetingMember> members, OrganisationId host, OrganisationId? named, bool chairMay)
    {
        if (named is { } id)
        {
            var member = members.FirstOrDefault(m => m.OrganisationId == id)
                ?? throw ValidationProblem.For("organisationId", "该组织不是本次会议的成员。", "The organisation is not a member of this meeting.");
            return scope.CanActFor(id) || (chairMay && IsChair(scope, host)) ? member : throw NotMember();
        }

        var mine = members.Where(m => scope.CanActFor(m.OrganisationId)).ToList();
        return mine.Count switch
        {
            1 => mine[0],
            0 => throw NotMember(),
            _ => throw ValidationProblem.For("organisationId", "您代表多个成员单位，请指明代表哪一个。", "You act for several members; name the one you answer for."),
        };
    }

    /// <summary>
    /// The meeting's members <see cref="MemberFor(AccessScope, IEnumerable{MeetingMember}, OrganisationId, OrganisationId?, bool)"/>
    /// chooses from, without reading all of them: the one named, or those the caller acts for.
    /// </summary>
    private IQueryable<MeetingMember> Candidates(AccessScope scope, MeetingId id, OrganisationId? named)
    {
        var members = db.Set<MeetingMember>().Where(m => m.MeetingId == id);
        if (named is { } one)
        {
            return members.Where(m => m.OrganisationId == one);
        }

        var acting = scope.ActingOrganisationIds.ToList();
        return members.Where(m => acting.Contains(m.OrganisationId));
    }

    private static ForbiddenProblem NotMember() =>
        new("meeting.not-member", new("只有本次会议的成员单位可以这样做。", "Only a member of this meeting can do this."));
}
