using Alliance.Contracts.Ledger;
using Alliance.Server.Features.Live;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Infrastructure.Realtime;
using MassTransit;

namespace Alliance.Server.Features.Ledger;

/// <summary>An export's progress → <see cref="ExportProgressEvent"/> on the person's own stream (<c>person:{userId}</c>), which only they may watch.</summary>
public sealed class LedgerExportFeed(LiveFeed feed) : IConsumer<LedgerExportProgressed>
{
    public async Task Consume(ConsumeContext<LedgerExportProgressed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        await feed.PublishAsync(m.EventId,
            [(StreamId.For(PersonStreamKind.Kind, m.UserId), new ExportProgressEvent(m.ExportId, m.Status, m.Rows, m.Total) { At = m.OccurredAt })],
            context.CancellationToken);
    }
}
