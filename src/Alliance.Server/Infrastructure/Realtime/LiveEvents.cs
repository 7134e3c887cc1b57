namespace Alliance.Server.Infrastructure.Realtime;

/// <summary>
/// What every stream event carries: the stream (<c>kind:guid</c>), its sequence in that stream and when the
/// change happened. The stream log fills these in when it appends the event.
/// </summary>
public abstract record LiveEvent
{
    public string Stream { get; init; } = "";

    public long Sequence { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>The client method that carries this event (<c>ItemChanged</c>, ...), also its <c>kind</c> in a replay.</summary>
    public abstract string Kind { get; }

    /// <summary>Calls the matching typed method on <paramref name="clients"/>.</summary>
    public abstract Task SendTo(IAllianceClient clients);
}

/// <summary>
/// An item's status, current step and holder. <see cref="ItemSequence"/> is the number of the item's own event that
/// caused it (its timeline's sequence): stream order can differ from the item's order (several nodes, a redelivery,
/// two deliveries of one node handled at once), so a board keeps, per item, the change with the highest ItemSequence.
/// </summary>
public sealed record ItemChangedEvent(Guid ItemId, string Status, string? CurrentStep, string? Holder, long ItemSequence) : LiveEvent
{
    public override string Kind => nameof(IAllianceClient.ItemChanged);

    public override Task SendTo(IAllianceClient clients) => clients.ItemChanged(this);
}

public sealed record TaskAssignedEvent(Guid TaskId, Guid ItemId, Guid? OrganisationId, string? Step, string? Title, DateTimeOffset? DueAt) : LiveEvent
{
    public override string Kind => nameof(IAllianceClient.TaskAssigned);

    public override Task SendTo(IAllianceClient clients) => clients.TaskAssigned(this);
}

public sealed record TaskClaimedEvent(Guid TaskId, Guid ItemId, Guid? OrganisationId, string? Step, string? ClaimedBy) : LiveEvent
{
    public override string Kind => nameof(IAllianceClient.TaskClaimed);

    public override Task SendTo(IAllianceClient clients) => clients.TaskClaimed(this);
}

public sealed record UrgentRaisedEvent(Guid ItemId, Guid AllianceId, string Title) : LiveEvent
{
    public override string Kind => nameof(IAllianceClient.UrgentRaised);

    public override Task SendTo(IAllianceClient clients) => clients.UrgentRaised(this);
}

public sealed record OverdueEvent(Guid ItemId, Guid? TaskId, string? Step, DateTimeOffset? DueAt) : LiveEvent
{
    public override string Kind => nameof(IAllianceClient.Overdue);

    public override Task SendTo(IAllianceClient clients) => clients.Overdue(this);
}

public sealed record EscalatedEvent(Guid ItemId, Guid? TaskId, Guid? ToOrganisationId, string? Reason) : LiveEvent
{
    public override string Kind => nameof(IAllianceClient.Escalated);

    public override Task SendTo(IAllianceClient clients) => clients.Escalated(this);
}

public sealed record BookingChangedEvent(Guid BookingId, Guid ResourceId, string Status) : LiveEvent
{
    public override string Kind => nameof(IAllianceClient.BookingChanged);

    public override Task SendTo(IAllianceClient clients) => clients.BookingChanged(this);
}

/// <summary>
/// 平急转换: <see cref="Mode"/> <c>emergency</c> from <see cref="From"/> to <see cref="To"/> (with the <see cref="Reason"/>
/// and the bookings cancelled for it, each also pushed as its own <c>BookingChanged</c>), or <c>normal</c> again.
/// </summary>
public sealed record VenueSwitchedEvent(Guid EmergencyId, Guid ResourceId, string Mode, DateTimeOffset? From, DateTimeOffset? To, string? Reason, IReadOnlyList<Guid> CancelledBookings) : LiveEvent
{
    public override string Kind => nameof(IAllianceClient.VenueSwitched);

    public override Task SendTo(IAllianceClient clients) => clients.VenueSwitched(this);
}

/// <summary>A vote's counts: <see cref="Open"/> while ballots come in; the last one (<see cref="Open"/> false) carries the <see cref="Outcome"/>.</summary>
public sealed record VoteTallyEvent(Guid VoteId, Guid ItemId, int For, int Against, int Abstain, int Eligible, bool Open) : LiveEvent
{
    /// <summary>Ballots cast so far (for + against + abstain).</summary>
    public int Cast { get; init; }

    /// <summary>Whether the ballots cast so far reach the quorum the vote opened with.</summary>
    public bool QuorumReached { get; init; }

    /// <summary>passed / failed / noQuorum once the vote closed; null while it is open.</summary>
    public string? Outcome { get; init; }

    /// <summary>
    /// A meeting vote's tally revision (one more per change, in commit order): a watcher keeps the tally with the highest,
    /// since two tallies of changed ballots can have the same <see cref="Cast"/> and the stream may number them out of
    /// commit order. Null for a route's written vote.
    /// </summary>
    public int? Revision { get; init; }

    public override string Kind => nameof(IAllianceClient.VoteTally);

    public override Task SendTo(IAllianceClient clients) => clients.VoteTally(this);
}

/// <summary>
/// A joint meeting changed (<see cref="Change"/> is the action, e.g. <c>meeting.checked-in</c>); <see cref="Revision"/>
/// grows with each change of the meeting, so a screen that receives two out of order keeps the higher.
/// </summary>
public sealed record MeetingChangedEvent(Guid MeetingId, Guid AllianceId, string Change, string Status, int Present, int Members) : LiveEvent
{
    public int Revision { get; init; }

    public Guid? PointId { get; init; }

    public Guid? ItemId { get; init; }

    public string? Outcome { get; init; }

    public override string Kind => nameof(IAllianceClient.MeetingChanged);

    public override Task SendTo(IAllianceClient clients) => clients.MeetingChanged(this);
}

public sealed record AllianceChangedEvent(Guid AllianceId, string Change, string Name) : LiveEvent
{
    public override string Kind => nameof(IAllianceClient.AllianceChanged);

    public override Task SendTo(IAllianceClient clients) => clients.AllianceChanged(this);
}

/// <summary>
/// The person's notification centre changed (stream <c>person:{userId}</c>): a new notification
/// (<see cref="NotificationId"/>, topic, titles, urgent), or some were read (<see cref="NotificationId"/> the one read, or
/// null for "all"). <see cref="Unread"/> is the person's unread count at that moment.
/// </summary>
public sealed record NotificationEvent(Guid? NotificationId, string Change, string? Topic, string? TitleZh, string? TitleEn, bool Urgent, int Unread) : LiveEvent
{
    public override string Kind => nameof(IAllianceClient.Notification);

    public override Task SendTo(IAllianceClient clients) => clients.Notification(this);
}

/// <summary>
/// One of the person's ledger exports moved on (stream <c>person:{userId}</c>): <see cref="Status"/> running with the
/// rows written of <see cref="Total"/>, then ready (the file can be fetched) or failed.
/// </summary>
public sealed record ExportProgressEvent(Guid ExportId, string Status, long Rows, long Total) : LiveEvent
{
    public override string Kind => nameof(IAllianceClient.ExportProgress);

    public override Task SendTo(IAllianceClient clients) => clients.ExportProgress(this);
}

/// <summary>
/// A year-end assessment changed (stream <c>assessment:{id}</c>): <see cref="Change"/> is what happened (recomputed,
/// published, objected, objection-ruled, submitted, approved, returned), <see cref="Status"/> the assessment's status
/// after it. Ids and words only: the page reads the assessment again, as the caller may see it.
/// </summary>
public sealed record AssessmentChangedEvent(Guid AssessmentId, string Change, string Status) : LiveEvent
{
    public override string Kind => nameof(IAllianceClient.AssessmentChanged);

    public override Task SendTo(IAllianceClient clients) => clients.AssessmentChanged(this);
}
