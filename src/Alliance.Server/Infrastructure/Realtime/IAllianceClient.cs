namespace Alliance.Server.Infrastructure.Realtime;

/// <summary>
/// The methods the server calls on connected clients of <c>/hubs/alliance</c>. Every stream event carries its
/// stream id and its sequence number in that stream (1, 2, 3, ... with no gaps); see docs/live-updates.md.
/// </summary>
public interface IAllianceClient
{
    Task SystemNotice(SystemNotice notice);

    /// <summary>An item's status, current step or holder changed (stream <c>item:{id}</c>; also <c>alliance:{id}</c> for its board).</summary>
    Task ItemChanged(ItemChangedEvent change);

    /// <summary>A task was assigned to an organisation (stream <c>inbox:{organisationId}</c>).</summary>
    Task TaskAssigned(TaskAssignedEvent change);

    /// <summary>A task was claimed (stream <c>inbox:{organisationId}</c> of each candidate, and <c>item:{id}</c>).</summary>
    Task TaskClaimed(TaskClaimedEvent change);

    /// <summary>An urgent item was submitted (stream <c>alliance:{id}</c>, watched by every member unit and the chair).</summary>
    Task UrgentRaised(UrgentRaisedEvent change);

    /// <summary>Work passed its deadline (streams <c>item:{id}</c>, <c>inbox:{organisationId}</c>).</summary>
    Task Overdue(OverdueEvent change);

    /// <summary>Work was escalated (streams <c>item:{id}</c>, <c>supervision:{streetId}</c>).</summary>
    Task Escalated(EscalatedEvent change);

    /// <summary>A booking of a shared resource changed (streams <c>resource:{id}</c>, and <c>inbox:{organisationId}</c> of owner and requester).</summary>
    Task BookingChanged(BookingChangedEvent change);

    /// <summary>A venue was switched to emergency use (平急转换) or back to normal use (streams <c>resource:{id}</c> and <c>inbox:{ownerId}</c>).</summary>
    Task VenueSwitched(VenueSwitchedEvent change);

    /// <summary>Live counts of an open vote (stream <c>item:{id}</c> or <c>meeting:{id}</c>).</summary>
    Task VoteTally(VoteTallyEvent change);

    /// <summary>
    /// A joint meeting changed: scheduled, agenda, replies, opened, check-ins, the current point, an outcome, closed, minutes
    /// (stream <c>meeting:{id}</c>; its lifecycle also on <c>alliance:{id}</c> for the board). Ballots come as <c>VoteTally</c>.
    /// </summary>
    Task MeetingChanged(MeetingChangedEvent change);

    /// <summary>An alliance's administration changed: name, rules, members (stream <c>alliance:{id}</c>).</summary>
    Task AllianceChanged(AllianceChangedEvent change);

    /// <summary>A notification arrived or notifications were read, with the unread count (stream <c>person:{userId}</c>).</summary>
    Task Notification(NotificationEvent change);

    /// <summary>A ledger export of the person's moved on (stream <c>person:{userId}</c>).</summary>
    Task ExportProgress(ExportProgressEvent change);

    /// <summary>A year-end assessment changed: published, objected to, ruled on, submitted, decided (stream <c>assessment:{id}</c>).</summary>
    Task AssessmentChanged(AssessmentChangedEvent change);
}

public sealed record SystemNotice(Guid Id, string TextZh, string TextEn, DateTimeOffset At);
