namespace Alliance.Contracts.Meetings;

/// <summary>
/// A joint meeting (联席会议) changed. <paramref name="Change"/> is the audit action: <c>meeting.scheduled</c>,
/// <c>meeting.agenda-changed</c>, <c>meeting.agenda-fixed</c>, <c>meeting.replied</c>, <c>meeting.opened</c>,
/// <c>meeting.checked-in</c>, <c>meeting.point-current</c>, <c>meeting.point-noted</c>, <c>meeting.vote-opened</c>,
/// <c>meeting.ballot-cast</c>, <c>meeting.vote-closed</c>, <c>meeting.point-decided</c>, <c>meeting.closed</c>,
/// <c>meeting.minutes-edited</c>, <c>meeting.minutes-published</c>, <c>meeting.cancelled</c>, <c>meeting.moved</c> (its venue was lost). A change about a vote carries its
/// <see cref="Tally"/>; one about an agenda point its <see cref="PointId"/> (and item, outcome).
/// </summary>
public sealed record MeetingChanged(Guid MeetingId, Guid AllianceId, string Change, string Status, int Present, int Members) : IntegrationEvent
{
    /// <summary>The meeting's revision after the change: a watcher that receives two out of order keeps the higher.</summary>
    public int Revision { get; init; }

    public Guid? PointId { get; init; }

    public Guid? ItemId { get; init; }

    public string? Outcome { get; init; }

    public MeetingTally? Tally { get; init; }

    /// <summary>Why, where the change has a reason for the members (<c>meeting.moved</c>: the venue's emergency).</summary>
    public string? Note { get; init; }
}

/// <summary>
/// The counts of one agenda point's vote after a change: <paramref name="Revision"/> grows with each change, so a watcher
/// that receives two out of order keeps the higher; <paramref name="Eligible"/> is the members present when it opened.
/// </summary>
public sealed record MeetingTally(int For, int Against, int Abstain, int Eligible, bool Open, int Revision, string? Outcome);
