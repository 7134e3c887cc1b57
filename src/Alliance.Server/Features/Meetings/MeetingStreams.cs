using Alliance.Contracts.Meetings;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Live;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Realtime;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Meetings;

/// <summary><c>meeting:{id}</c>: whoever can see the meeting's alliance (its host's people and every member's people), as <c>GET /api/meetings/{id}</c>.</summary>
public sealed class MeetingStreamKind(AllianceDbContext db) : IStreamKind
{
    public string Name => StreamId.Meeting;

    public async Task<bool> CanReadAsync(AccessScope scope, Guid key, CancellationToken cancellationToken)
    {
        var id = new MeetingId(key);
        var alliance = await db.Set<Meeting>().AsNoTracking().Where(m => m.Id == id).Select(m => (Alliances.AllianceId?)m.AllianceId).SingleOrDefaultAsync(cancellationToken);
        return alliance is { } a && scope.CanSeeAlliance(a);
    }
}

/// <summary>
/// <see cref="MeetingChanged"/> → the meeting's stream: a <c>VoteTally</c> for a change of a vote (the point's counts,
/// with the tally's revision as its number), else a <c>MeetingChanged</c>; the meeting's lifecycle (scheduled, agenda
/// fixed, opened, an item settled, closed, minutes published, cancelled) also goes to the alliance's board.
/// </summary>
public sealed class MeetingStreamFeed(LiveFeed feed) : IConsumer<MeetingChanged>
{
    private static readonly HashSet<string> OnTheBoard =
    [
        "meeting.scheduled", "meeting.agenda-changed", "meeting.agenda-fixed", "meeting.opened", "meeting.point-decided", "meeting.vote-closed", "meeting.closed",
        "meeting.minutes-published", "meeting.cancelled",
    ];

    public Task Consume(ConsumeContext<MeetingChanged> context)
    {
        var m = context.Message;
        var meeting = StreamId.For(StreamId.Meeting, m.MeetingId);
        var changed = new MeetingChangedEvent(m.MeetingId, m.AllianceId, m.Change, m.Status, m.Present, m.Members)
        {
            At = m.OccurredAt,
            Revision = m.Revision,
            PointId = m.PointId,
            ItemId = m.ItemId,
            Outcome = m.Outcome,
        };
        var entries = new List<(StreamId, LiveEvent)>();
        if (m.Tally is { } t && m.PointId is { } point)
        {
            entries.Add((meeting, new VoteTallyEvent(point, m.ItemId ?? Guid.Empty, t.For, t.Against, t.Abstain, t.Eligible, t.Open)
            {
                At = m.OccurredAt,
                Cast = t.For + t.Against + t.Abstain,
                QuorumReached = true,
                Outcome = t.Open ? null : t.Outcome,
                Revision = t.Revision,
            }));
        }

        if (m.Change != "meeting.ballot-cast")
        {
            entries.Add((meeting, changed));
        }

        if (OnTheBoard.Contains(m.Change))
        {
            entries.Add((StreamId.For(StreamId.Alliance, m.AllianceId), changed));
        }

        return feed.PublishAsync(m.EventId, entries, context.CancellationToken);
    }
}

/// <summary>A meeting's changes are fed one at a time per meeting on a node, in the order its outbox publishes them.</summary>
public sealed class MeetingStreamFeedDefinition : ConsumerDefinition<MeetingStreamFeed>
{
    public MeetingStreamFeedDefinition() => ConcurrentMessageLimit = 64;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<MeetingStreamFeed> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        ArgumentNullException.ThrowIfNull(consumerConfigurator);
        var byMeeting = endpointConfigurator.CreatePartitioner(64);
        consumerConfigurator.Message<MeetingChanged>(m => m.UsePartitioner(byMeeting, c => c.Message.MeetingId));
    }
}
