using Alliance.Contracts.Alliances;
using Alliance.Server.Infrastructure.Realtime;
using MassTransit;

namespace Alliance.Server.Features.Live;

/// <summary>Alliance administration changes → <c>alliance:{id}</c>.</summary>
public sealed class AllianceStreamFeed(LiveFeed feed) : IConsumer<AllianceChanged>
{
    public Task Consume(ConsumeContext<AllianceChanged> context)
    {
        var m = context.Message;
        return feed.PublishAsync(m.EventId,
            [(StreamId.For(StreamId.Alliance, m.AllianceId), new AllianceChangedEvent(m.AllianceId, m.Change, m.Name) { At = m.OccurredAt })],
            context.CancellationToken);
    }
}
