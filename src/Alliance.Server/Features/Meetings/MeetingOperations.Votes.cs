using Alliance.Contracts.Meetings;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Meetings;

/// <summary>
/// Votes and outcomes. A decision point is voted on by the members present: no vote opens without the quorum (the
/// rules' <see cref="RulesOfProcedure.Quorum"/> of the members); each member has one ballot, which it may change until
/// the chair closes the vote; the point passes when its votes for meet the threshold of those present when the vote
/// opened (<see cref="RulesOfProcedure.PassThreshold"/>, or the qualified one for the listed categories). A deliberation
/// point is settled by the chair: resolved (optionally with a joint task), deferred, or escalated; a point deferred more
/// often than the rules allow escalates by itself. Each outcome continues the item's route from the bus.
/// </summary>
public sealed partial class MeetingOperations
{
    public Task<MeetingView> OpenVoteAsync(AccessScope scope, MeetingId id, Guid pointId, CancellationToken cancellationToken) =>
        ChangeAsync(scope, id, "meeting.vote-opened", async (meeting, cancel) =>
        {
            DemandChair(scope, meeting.HostOrganisationId);
            DemandStatus(meeting, new("开始表决", "open a vote"), MeetingStatus.Open);
            var point = Unsettled(meeting, pointId);
            if (point.Kind != AgendaPointKind.Decision)
            {
                throw new ConflictProblem("meeting.not-a-decision", new("只有要事共决事项需要表决；大事共议事项由主持人宣布议定结果。", "Only decision items are voted on; the chair settles a deliberation item."));
            }

            if (point.VoteOpen || point.VoteClosedUtc is not null)
            {
                throw new ConflictProblem("meeting.vote-closed", new("该事项已表决过或正在表决。", "This item has been or is being voted on."));
            }

            if (meeting.Agenda.FirstOrDefault(p => p.VoteOpen) is { } voting)
            {
                throw new ConflictProblem("meeting.vote-open", new($"「{voting.Title}」正在表决，请先结束表决。", $"'{voting.Title}' is being voted on; close that vote first."));
            }

            var rules = await RulesAsync(meeting, cancel);
            if (!meeting.HasQuorum(rules.Quorum))
            {
                throw new ConflictProblem("meeting.no-quorum", new(
                    $"到会 {meeting.Present} 个成员单位，未达法定人数（{meeting.Members.Count} 个成员的 {rules.Quorum}），不能表决。",
                    $"{meeting.Present} members are present, short of the quorum ({rules.Quorum} of {meeting.Members.Count}); no vote can open."));
            }

            point.VoteOpen = true;
            point.VoteOpenedUtc = time.GetUtcNow().UtcDateTime;
            point.Eligible = meeting.Present;
            point.TallyRevision++;
            meeting.CurrentPointId = point.Id;
            return new MeetingChange { Point = point, WithTally = true };
        }, cancellationToken);

    /// <summary>
    /// A member present casts or changes its ballot while the vote is open. The ballot is one row per member and point,
    /// so the same ballot sent twice counts once. A meeting change like the others (one transaction under the meeting's
    /// lock: the ballot, the point's counts, the meeting's revision, <see cref="MeetingChanged"/> with the tally in the
    /// host outbox, the audit entry), but narrow, since 200 members may vote within a second and each holds the lock
    /// (docs/benchmarks.md, issue 17): in two queries it reads the meeting's own row with its attendance counts and the
    /// point, then the member with its ballot, not the meeting's agenda, members and every ballot; the counts move by the
    /// ballot's difference; everything is written by the one SaveChanges of the audit entry.
    /// </summary>
    public async Task<MeetingView> CastAsync(AccessScope scope, MeetingId id, Guid pointId, BallotRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(request);
        new FieldErrors().Required("choice", request.Choice, new("表决意见", "choice")).ThrowIfAny();
        const string action = "meeting.ballot-cast";
        await UnderLockAsync(id, async cancel =>
        {
            // the meeting's own row, tracked for its revision (its agenda and members are not loaded: they hold only the
            // point and the candidates read here, so the counts come from the query), its attendance counts, and the point
            var read = await db.Set<Meeting>().Where(m => m.Id == id)
                .Select(m => new { Meeting = m, Members = m.Members.Count, Present = m.Members.Count(x => x.CheckedInUtc != null), Point = m.Agenda.FirstOrDefault(p => p.Id == pointId) })
                .SingleOrDefaultAsync(cancel);
            var meeting = read is not null && scope.CanSeeAlliance(read.Meeting.AllianceId) ? read.Meeting : throw new NotFoundProblem(Thing);

            // the members the caller may answer for, each with its ballot on the point, tracked
            var candidates = await Candidates(scope, id, request.OrganisationId)
                .Select(m => new { Member = m, Ballot = db.Set<MeetingBallot>().FirstOrDefault(b => b.PointId == pointId && b.OrganisationId == m.OrganisationId) })
                .ToListAsync(cancel);
            var member = MemberFor(scope, candidates.Select(c => c.Member), meeting.HostOrganisationId, request.OrganisationId, chairMay: false);
            var point = OnAgenda(OfMeeting(read.Point));
            DemandBallot(meeting.Status, point, member);
            var ballot = candidates.Single(c => c.Member == member).Ballot;
            var before = ballot?.Choice;
            if (ballot is null)
            {
                ballot = new MeetingBallot { PointId = point.Id, OrganisationId = member.OrganisationId };
                db.Add(ballot);
            }
            else
            {
                Count(point, ballot.Choice, -1);
            }

            ballot.Choice = request.Choice!.Value;
            ballot.CastBy = scope.UserId;
            ballot.CastUtc = time.GetUtcNow().UtcDateTime;
            Count(point, ballot.Choice, +1);
            point.TallyRevision++;
            meeting.Revision++;
            var change = new MeetingChange { Point = point, WithTally = true, Before = new { member.OrganisationId, Choice = before }, After = new { member.OrganisationId, ballot.Choice } };
            await SaveChangeAsync(scope, new Head(meeting.Id, meeting.AllianceId, meeting.HostOrganisationId, meeting.Status, meeting.Revision, read.Members, read.Present),
                action, change, change.After, cancel);
            return true;
        }, cancellationToken);
        return await GetAsync(scope, id, cancellationToken);
    }

    /// <summary>A ballot is taken while the point's vote is open, from a member that had checked in when it opened.</summary>
    private static void DemandBallot(MeetingStatus status, AgendaPoint point, MeetingMember member)
    {
        if (!point.VoteOpen)
        {
            throw point.VoteClosedUtc is not null || status != MeetingStatus.Open
                ? new ConflictProblem("meeting.vote-closed", new("表决已结束，不能再投票。", "The vote has closed; no more ballots are taken."))
                : new ConflictProblem("meeting.vote-not-open", new("该事项尚未开始表决。", "The vote on this item has not opened."));
        }

        if (member.CheckedInUtc is null || member.CheckedInUtc > point.VoteOpenedUtc)
        {
            throw new ConflictProblem("meeting.not-present", new("表决开始时未签到的成员单位不能投票。", "A member that had not checked in when the vote opened cannot vote."));
        }
    }

    /// <summary>Moves the point's count of <paramref name="choice"/> by <paramref name="by"/> (one ballot cast or taken back).</summary>
    private static void Count(AgendaPoint point, BallotChoice choice, int by)
    {
        switch (choice)
        {
            case BallotChoice.For:
                point.VotesFor += by;
                break;
            case BallotChoice.Against:
                point.VotesAgainst += by;
                break;
            case BallotChoice.Abstain:
                point.VotesAbstain += by;
                break;
        }
    }

    /// <summary>The chair closes the vote: the outcome follows from the threshold and settles the point (passed or failed).</summary>
    public Task<MeetingView> CloseVoteAsync(AccessScope scope, MeetingId id, Guid pointId, DecideRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateResolution(request);
        return ChangeAsync(scope, id, "meeting.vote-closed", async (meeting, cancel) =>
        {
            DemandChair(scope, meeting.HostOrganisationId);
            DemandStatus(meeting, new("结束表决", "close a vote"), MeetingStatus.Open);
            var point = Unsettled(meeting, pointId);
            if (!point.VoteOpen)
            {
                throw new ConflictProblem("meeting.vote-not-open", new("该事项没有正在进行的表决。", "No vote is open on this item."));
            }

            var rules = await RulesAsync(meeting, cancel);
            Recount(point, await db.Set<MeetingBallot>().Where(b => b.PointId == point.Id).ToListAsync(cancel));
            var threshold = rules.QualifiedCategories.Contains(point.Category ?? "", StringComparer.Ordinal) ? rules.QualifiedPassThreshold : rules.PassThreshold;
            point.VoteOpen = false;
            point.VoteClosedUtc = time.GetUtcNow().UtcDateTime;
            var passed = threshold.IsMetBy(point.VotesFor, point.Eligible);
            await LeadUnitAsync(meeting, request, cancel);
            var decided = await SettleAsync(meeting, point, passed ? AgendaOutcome.Resolved : AgendaOutcome.Failed, request, cancel);
            return new MeetingChange { Point = point, WithTally = true, Also = decided, After = new { point.Id, point.Outcome, point.VotesFor, point.VotesAgainst, point.VotesAbstain, point.Eligible, Threshold = threshold.ToString() } };
        }, cancellationToken);
    }

    /// <summary>
    /// The chair settles a point without a vote: a deliberation item resolved (with an optional joint task), deferred or
    /// escalated; a decision item deferred or escalated (its passing or failing comes from its vote); the review point noted.
    /// </summary>
    public Task<MeetingView> DecideAsync(AccessScope scope, MeetingId id, Guid pointId, DecideRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateResolution(request, requireOutcome: true);
        return ChangeAsync(scope, id, "meeting.point-decided", async (meeting, cancel) =>
        {
            DemandChair(scope, meeting.HostOrganisationId);
            DemandStatus(meeting, new("议定事项", "settle an item"), MeetingStatus.Open);
            var point = Unsettled(meeting, pointId);
            var outcome = request.Outcome!.Value;
            var allowed = point.Kind switch
            {
                AgendaPointKind.Review or AgendaPointKind.Consultation => [AgendaOutcome.Noted],
                AgendaPointKind.Decision => [AgendaOutcome.Deferred, AgendaOutcome.Escalated],
                _ => new[] { AgendaOutcome.Resolved, AgendaOutcome.Deferred, AgendaOutcome.Escalated },
            };
            if (!allowed.Contains(outcome))
            {
                throw ValidationProblem.For("outcome",
                    point.Kind == AgendaPointKind.Decision ? "要事共决事项以表决结果议定，也可缓议或提交街道。" : point.Kind is AgendaPointKind.Review or AgendaPointKind.Consultation ? "此议程只需听取并记录（noted）。" : "大事共议事项可议定、缓议或提交街道。",
                    "Allowed here: " + string.Join(", ", allowed.Select(Wire)) + ".");
            }

            if (point.VoteOpen)
            {
                throw new ConflictProblem("meeting.vote-open", new("该事项正在表决，请先结束表决。", "The item is being voted on; close the vote first."));
            }

            if (outcome is AgendaOutcome.Deferred or AgendaOutcome.Escalated && string.IsNullOrWhiteSpace(request.Resolution))
            {
                throw ValidationProblem.For("resolution", "缓议或提交街道须说明理由。", "Deferring or escalating needs a reason.");
            }

            if (outcome == AgendaOutcome.Deferred)
            {
                var rules = await RulesAsync(meeting, cancel);
                var deferrals = await db.Set<AgendaPoint>().CountAsync(p => p.ItemId == point.ItemId && p.Outcome == AgendaOutcome.Deferred, cancel);
                if (deferrals + 1 > rules.MaxDeferrals)
                {
                    outcome = AgendaOutcome.Escalated;
                    request = request with
                    {
                        Resolution = $"已缓议 {deferrals} 次，达到议事规则上限（{rules.MaxDeferrals} 次），自动提交街道。本次理由：{FieldErrors.Stored(request.Resolution!)}",
                    };
                }
            }

            await LeadUnitAsync(meeting, request, cancel);
            var decided = await SettleAsync(meeting, point, outcome, request, cancel);
            return new MeetingChange { Point = point, Also = decided, After = new { point.Id, point.Outcome, point.Resolution, point.LeadUnitId, point.DueDate } };
        }, cancellationToken);
    }

    /// <summary>
    /// Records the outcome on the point and, for an item, the route's waiting step it completes: the item's open
    /// <c>resolve</c> task now (exactly that one, completed once by <see cref="MeetingResolutionRelay"/>).
    /// </summary>
    private async Task<MeetingItemDecided?> SettleAsync(Meeting meeting, AgendaPoint point, AgendaOutcome outcome, DecideRequest request, CancellationToken cancellationToken)
    {
        point.Outcome = outcome;
        point.Resolution = request.Resolution is null ? null : FieldErrors.Stored(request.Resolution);
        point.LeadUnitId = outcome == AgendaOutcome.Resolved ? request.LeadUnitId : null;
        point.DueDate = outcome == AgendaOutcome.Resolved ? request.DueDate : null;
        point.DecidedUtc = time.GetUtcNow().UtcDateTime;
        if (point.ItemId is not { } itemId || point.Kind == AgendaPointKind.Consultation)
        {
            return null;
        }

        var task = await db.Set<ItemTask>().AsNoTracking()
            .Where(t => t.ItemId == itemId && t.Step == MeetingStep && t.ClosedUtc == null && !db.Set<AgendaPoint>().Any(p => p.RouteTaskId == t.Id)).OrderByDescending(t => t.OpenedUtc).FirstOrDefaultAsync(cancellationToken)
            ?? throw new ConflictProblem("meeting.item-not-waiting", new("该事项已不在等待会议议定（可能已撤回或已由其他途径办结）。", "The item no longer waits for a meeting (it may have been withdrawn or settled otherwise)."));
        point.RouteTaskId = task.Id;
        var routeOutcome = (point.Kind, outcome) switch
        {
            (AgendaPointKind.Decision, AgendaOutcome.Resolved) => "passed",
            (_, AgendaOutcome.Failed) => "failed",
            (_, AgendaOutcome.Resolved) => "resolve",
            (_, AgendaOutcome.Deferred) => "defer",
            _ => "escalate",
        };
        return new MeetingItemDecided(meeting.Id.Value, point.Id, itemId.Value, task.Id, meeting.HostOrganisationId.Value, routeOutcome, point.Resolution)
        {
            LeadUnitId = point.LeadUnitId?.Value,
            DueDate = point.DueDate,
        };
    }

    private static void ValidateResolution(DecideRequest request, bool requireOutcome = false)
    {
        var errors = new FieldErrors();
        if (requireOutcome)
        {
            errors.Required("outcome", request.Outcome, new("议定结果", "outcome"));
        }

        errors.Text("resolution", request.Resolution, new("决议", "resolution"), 4000, required: false);
        if (request.DueDate is not null && request.LeadUnitId is null)
        {
            errors.Add("leadUnitId", "指定完成日期时须指定牵头单位。", "A due date needs a lead unit.");
        }

        errors.ThrowIfAny();
    }

    /// <summary>A resolution's joint task is led by a member unit of the meeting, due no earlier than today.</summary>
    private async Task LeadUnitAsync(Meeting meeting, DecideRequest request, CancellationToken cancellationToken)
    {
        if (request.LeadUnitId is not { } lead)
        {
            return;
        }

        var isUnit = meeting.Members.Any(m => m.OrganisationId == lead)
            && await db.Organisations.AsNoTracking().AnyAsync(o => o.Id == lead && o.Kind == OrganisationKind.Unit, cancellationToken);
        var errors = new FieldErrors();
        if (!isUnit)
        {
            errors.Add("leadUnitId", "牵头单位须是本次会议的成员单位。", "The lead unit must be a member unit of the meeting.");
        }

        if (request.DueDate is { } due && due < DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))
        {
            errors.Add("dueDate", "完成日期不能早于今天。", "The due date cannot be in the past.");
        }

        errors.ThrowIfAny();
    }

    private static void Recount(AgendaPoint point, IReadOnlyList<MeetingBallot> ballots)
    {
        point.VotesFor = ballots.Count(b => b.Choice == BallotChoice.For);
        point.VotesAgainst = ballots.Count(b => b.Choice == BallotChoice.Against);
        point.VotesAbstain = ballots.Count(b => b.Choice == BallotChoice.Abstain);
        point.TallyRevision++;
    }

    private static AgendaPoint Unsettled(Meeting meeting, Guid pointId) =>
        OnAgenda(meeting, pointId) is { Outcome: null } point
            ? point
            : throw new ConflictProblem("meeting.point-decided", new("该议程已议定。", "The agenda point is already settled."));

    private async Task<RulesOfProcedure> RulesAsync(Meeting meeting, CancellationToken cancellationToken) =>
        await db.Alliances.AsNoTracking().Where(a => a.Id == meeting.AllianceId).Select(a => a.Rules).SingleAsync(cancellationToken);
}
