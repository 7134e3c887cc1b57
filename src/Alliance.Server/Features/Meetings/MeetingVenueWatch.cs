using Alliance.Contracts.Resources;
using Alliance.Server.Features.Resources;
using MassTransit;

namespace Alliance.Server.Features.Meetings;

/// <summary>A meeting's venue booking was cancelled (平急转换, the owner, an expiry): the meeting moves and its members are told (<see cref="MeetingOperations.VenueLostAsync"/>).</summary>
public sealed class MeetingVenueWatch(MeetingOperations meetings) : IConsumer<BookingCancelled>
{
    public Task Consume(ConsumeContext<BookingCancelled> context) =>
        meetings.VenueLostAsync(new BookingId(context.Message.BookingId), context.Message.Cause, context.Message.Reason, context.CancellationToken);
}
