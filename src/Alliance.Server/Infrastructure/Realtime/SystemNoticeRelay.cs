using Alliance.Contracts.System;
using MassTransit;
using Microsoft.AspNetCore.SignalR;

namespace Alliance.Server.Infrastructure.Realtime;

/// <summary>
/// Pushes a system notice to the hub's clients. The relay queue is shared by all nodes (competing
/// consumers), so exactly one node handles each notice; with several nodes the Redis backplane carries
/// the push to every node's connections. Several nodes without Redis is not a supported deployment.
/// </summary>
public sealed class SystemNoticeRelay(IHubContext<AllianceHub, IAllianceClient> hub) : IConsumer<SystemNoticePublished>
{
    public Task Consume(ConsumeContext<SystemNoticePublished> context)
    {
        var m = context.Message;
        return hub.Clients.All.SystemNotice(new SystemNotice(m.EventId, m.TextZh, m.TextEn, m.OccurredAt));
    }
}
