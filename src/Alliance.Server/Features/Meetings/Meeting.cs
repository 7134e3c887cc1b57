using System.Text.Json.Serialization;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;

namespace Alliance.Server.Features.Meetings;

[JsonConverter(typeof(StronglyTypedIdJsonConverter<MeetingId>))]
public readonly record struct MeetingId(Guid Value) : IStronglyTypedId<MeetingId>
{
    public static MeetingId New() => new(Guid.CreateVersion7());

    public static MeetingId From(Guid value) => new(value);

    public static bool TryParse(string? text, out MeetingId id)
    {
        var ok = Guid.TryParse(text, out var value);
        id = new(value);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

/// <summary>Why a joint meeting is held: the alliance's schedule, an ad hoc call, an extraordinary session, or an urgent item's online consultation.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MeetingKind>))]
public enum MeetingKind
{
    /// <summary>例会: one of the alliance's regular meetings.</summary>
    [JsonStringEnumMemberName("regular")] Regular,

    /// <summary>临时会议: called when needed.</summary>
    [JsonStringEnumMemberName("adHoc")] AdHoc,

    /// <summary>专题会议 / 扩大会议: an extraordinary session.</summary>
    [JsonStringEnumMemberName("extraordinary")] Extraordinary,

    /// <summary>线上会商: an urgent item's online meeting, within hours.</summary>
    [JsonStringEnumMemberName("online")] Online,
}

/// <summary>
/// Where a meeting is in its life. Scheduled (agenda window open) → agendaFixed (notice sent, members reply) → open
/// (check-in, agenda points, votes) → closed (minutes drafted) → minutesPublished (sealed). Cancelled before it opens.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<MeetingStatus>))]
public enum MeetingStatus
{
    [JsonStringEnumMemberName("scheduled")] Scheduled,
    [JsonStringEnumMemberName("agendaFixed")] AgendaFixed,
    [JsonStringEnumMemberName("open")] Open,
    [JsonStringEnumMemberName("closed")] Closed,
    [JsonStringEnumMemberName("minutesPublished")] MinutesPublished,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

/// <summary>
/// 联席会议: one sitting of an alliance's joint meeting, chaired by its host. Its members (the alliance's members when it
/// was scheduled) reply to the notice, check in and vote; its agenda points carry the items it settles.
/// </summary>
public sealed class Meeting
{
    public MeetingId Id { get; init; }

    public AllianceId AllianceId { get; init; }

    /// <summary>The alliance's host (community or street): its chair chairs the meeting, and the items' routes wait for it.</summary>
    public OrganisationId HostOrganisationId { get; init; }

    public MeetingKind Kind { get; init; }

    public required string Title { get; set; }

    public DateTime StartsUtc { get; set; }

    public DateTime EndsUtc { get; set; }

    /// <summary>Where it is held (a room, an address, or the link of an online meeting).</summary>
    public string? Location { get; set; }

    /// <summary>The shared venue it is held in, booked through the booking route (<see cref="BookingId"/>), if any.</summary>
    public Resources.ResourceId? VenueId { get; set; }

    public Resources.BookingId? BookingId { get; set; }

    public MeetingStatus Status { get; set; }

    /// <summary>The agenda point under discussion while the meeting is open.</summary>
    public Guid? CurrentPointId { get; set; }

    /// <summary>The minutes (会议纪要): generated when the meeting closes, edited by the chair until published.</summary>
    public string? Minutes { get; set; }

    public Guid? CreatedBy { get; init; }

    public DateTime CreatedUtc { get; init; }

    public DateTime? AgendaFixedUtc { get; set; }

    public DateTime? OpenedUtc { get; set; }

    public DateTime? ClosedUtc { get; set; }

    public DateTime? MinutesPublishedUtc { get; set; }

    public string? CancelReason { get; set; }

    /// <summary>Optimistic concurrency: two chairs' actions, or a check-in and the opening, never overwrite each other.</summary>
    public int Revision { get; set; }

    public List<AgendaPoint> Agenda { get; init; } = [];

    public List<MeetingMember> Members { get; init; } = [];

    /// <summary>Members present: checked in themselves, by a named deputy, or marked by the chair.</summary>
    public int Present => Members.Count(m => m.CheckedInUtc is not null);

    public bool HasQuorum(Threshold quorum) => quorum.IsMetBy(Present, Members.Count);
}

/// <summary>What an agenda point is: a review of the last meeting's resolutions, a 大事共议 item, or a 要事共决 item (voted on).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgendaPointKind>))]
public enum AgendaPointKind
{
    /// <summary>上次决议落实情况: generated from the last meeting's resolutions and their follow-up.</summary>
    [JsonStringEnumMemberName("review")] Review,

    [JsonStringEnumMemberName("deliberation")] Deliberation,

    [JsonStringEnumMemberName("decision")] Decision,

    /// <summary>
    /// 急事共商: an urgent item consulted at an online meeting. Heard and recorded (noted); the urgent route itself is
    /// decided by its chair's step, not by the meeting.
    /// </summary>
    [JsonStringEnumMemberName("consultation")] Consultation,
}

/// <summary>How the meeting settled an agenda point.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgendaOutcome>))]
public enum AgendaOutcome
{
    /// <summary>议定 / 表决通过: the item is resolved (for a decision: passed).</summary>
    [JsonStringEnumMemberName("resolved")] Resolved,

    /// <summary>表决未通过 (decisions only).</summary>
    [JsonStringEnumMemberName("failed")] Failed,

    /// <summary>缓议: the item goes to the next meeting's agenda.</summary>
    [JsonStringEnumMemberName("deferred")] Deferred,

    /// <summary>提交街道: the item goes up to the street.</summary>
    [JsonStringEnumMemberName("escalated")] Escalated,

    /// <summary>The review point, heard.</summary>
    [JsonStringEnumMemberName("noted")] Noted,
}

/// <summary>One point of a meeting's agenda, with its notes, its vote (decisions) and its outcome.</summary>
public sealed class AgendaPoint
{
    public Guid Id { get; init; }

    public MeetingId MeetingId { get; init; }

    public int Order { get; set; }

    public AgendaPointKind Kind { get; init; }

    public Items.ItemId? ItemId { get; init; }

    public required string Title { get; set; }

    /// <summary>The item's category (a decision in a qualified category needs the qualified threshold).</summary>
    public string? Category { get; init; }

    /// <summary>For the review point: what became of the last meeting's resolutions, as generated.</summary>
    public string? Summary { get; set; }

    public string? Notes { get; set; }

    /// <summary>Removed from the agenda before it was fixed (with <see cref="RemovedReason"/>); kept, never deleted.</summary>
    public DateTime? RemovedUtc { get; set; }

    public string? RemovedReason { get; set; }

    public bool VoteOpen { get; set; }

    public DateTime? VoteOpenedUtc { get; set; }

    public DateTime? VoteClosedUtc { get; set; }

    /// <summary>Members present when the vote opened: the base of the threshold (those present).</summary>
    public int Eligible { get; set; }

    public int VotesFor { get; set; }

    public int VotesAgainst { get; set; }

    public int VotesAbstain { get; set; }

    /// <summary>Counts one change of the tally; events carry it, so a watcher keeps the highest.</summary>
    public int TallyRevision { get; set; }

    public AgendaOutcome? Outcome { get; set; }

    public string? Resolution { get; set; }

    /// <summary>A resolution's joint task: the lead unit and the due date.</summary>
    public OrganisationId? LeadUnitId { get; set; }

    public DateOnly? DueDate { get; set; }

    /// <summary>The item route's task the meeting completed with this outcome (exactly that task, once).</summary>
    public Guid? RouteTaskId { get; set; }

    public DateTime? DecidedUtc { get; set; }

    public bool IsOnAgenda => RemovedUtc is null;

    public int Cast => VotesFor + VotesAgainst + VotesAbstain;
}

/// <summary>How a member answered the meeting's notice.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MeetingReply>))]
public enum MeetingReply
{
    [JsonStringEnumMemberName("attend")] Attend,
    [JsonStringEnumMemberName("absent")] Absent,
    [JsonStringEnumMemberName("deputy")] Deputy,
}

/// <summary>One member organisation of a meeting: its reply to the notice and its check-in.</summary>
public sealed class MeetingMember
{
    public MeetingId MeetingId { get; init; }

    public OrganisationId OrganisationId { get; init; }

    public MeetingReply? Reply { get; set; }

    public string? AbsenceReason { get; set; }

    public string? DeputyName { get; set; }

    public DateTime? RepliedUtc { get; set; }

    public DateTime? CheckedInUtc { get; set; }

    /// <summary>Who checked the member in: the member's own person, or the chair marking attendance.</summary>
    public Guid? CheckedInBy { get; set; }
}

/// <summary>
/// One member's ballot on one agenda point: one row per (point, member), changed in place until the vote closes, so a
/// double click or a redelivery never counts twice.
/// </summary>
public sealed class MeetingBallot
{
    public Guid PointId { get; init; }

    public OrganisationId OrganisationId { get; init; }

    public BallotChoice Choice { get; set; }

    public Guid? CastBy { get; set; }

    public DateTime CastUtc { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<BallotChoice>))]
public enum BallotChoice
{
    [JsonStringEnumMemberName("for")] For,
    [JsonStringEnumMemberName("against")] Against,
    [JsonStringEnumMemberName("abstain")] Abstain,
}
