using Alliance.Contracts.Resources;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Live;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Realtime;
using MassTransit;

namespace Alliance.Server.Features.Resources;

/// <summary><c>resource:{id}</c>: whoever <c>GET /api/resources/{id}</c> answers.</summary>
public sealed class ResourceStreamKind(AllianceDbContext db) : IStreamKind
{
    public const string Kind = "resource";

    public string Name => Kind;

    public async Task<bool> CanReadAsync(AccessScope scope, Guid key, CancellationToken cancellationToken)
    {
        var resource = await db.Set<Resource>().FindAsync([new ResourceId(key)], cancellationToken);
        return resource is not null && ResourcesApi.CanSee(scope, resource);
    }
}

/// <summary>
/// Booking events → <c>BookingChanged</c> on the resource's stream (its calendar: ids and status only) and on the inboxes
/// of the owner and the requesting organisation; the venue's switch to emergency use and back → <c>VenueSwitched</c> on
/// the resource's stream and the owner's inbox. Through the one live feed (gap-free per stream).
/// </summary>
public sealed class BookingStreamFeed(LiveFeed feed) :
    IConsumer<BookingRequested>, IConsumer<BookingConfirmed>, IConsumer<BookingCancelled>, IConsumer<VenueSwitchedToEmergency>, IConsumer<VenueSwitchedBack>
{
    public Task Consume(ConsumeContext<VenueSwitchedToEmergency> context)
    {
        var m = context.Message;
        return PublishAsync(m.EventId, m.ResourceId, m.OwnerId,
            new VenueSwitchedEvent(m.EmergencyId, m.ResourceId, "emergency", m.From, m.To, m.Reason, m.CancelledBookings) { At = m.OccurredAt },
            context.CancellationToken);
    }

    public Task Consume(ConsumeContext<VenueSwitchedBack> context)
    {
        var m = context.Message;
        return PublishAsync(m.EventId, m.ResourceId, m.OwnerId,
            new VenueSwitchedEvent(m.EmergencyId, m.ResourceId, "normal", null, null, null, []) { At = m.OccurredAt },
            context.CancellationToken);
    }

    public Task Consume(ConsumeContext<BookingRequested> context) => PublishAsync(context.Message, "pending", context.CancellationToken);

    public Task Consume(ConsumeContext<BookingConfirmed> context) => PublishAsync(context.Message, "confirmed", context.CancellationToken);

    public Task Consume(ConsumeContext<BookingCancelled> context) =>
        PublishAsync(context.Message, context.Message.Cause == "declined" ? "declined" : "cancelled", context.CancellationToken);

    private async Task PublishAsync(BookingEvent m, string status, CancellationToken cancellationToken)
    {
        var changed = new BookingChangedEvent(m.BookingId, m.ResourceId, status) { At = m.OccurredAt };
        List<(StreamId, LiveEvent)> entries = [(StreamId.For(ResourceStreamKind.Kind, m.ResourceId), changed), (StreamId.For(StreamId.Inbox, m.OwnerId), changed)];
        if (m.RequesterId != m.OwnerId)
        {
            entries.Add((StreamId.For(StreamId.Inbox, m.RequesterId), changed));
        }

        await feed.PublishAsync(m.EventId, entries, cancellationToken);
    }

    private async Task PublishAsync(Guid eventId, Guid resourceId, Guid ownerId, VenueSwitchedEvent switched, CancellationToken cancellationToken) =>
        await feed.PublishAsync(eventId, [(StreamId.For(ResourceStreamKind.Kind, resourceId), switched), (StreamId.For(StreamId.Inbox, ownerId), switched)], cancellationToken);
}

/// <summary>
/// A booking's events are fed one at a time per booking, a venue's switches one at a time per venue, in the order the
/// outbox publishes them.
/// </summary>
public sealed class BookingStreamFeedDefinition : ConsumerDefinition<BookingStreamFeed>
{
    public BookingStreamFeedDefinition() => ConcurrentMessageLimit = 16;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<BookingStreamFeed> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        ArgumentNullException.ThrowIfNull(consumerConfigurator);
        var byBooking = endpointConfigurator.CreatePartitioner(16);
        consumerConfigurator.Message<BookingRequested>(m => m.UsePartitioner(byBooking, c => c.Message.BookingId));
        consumerConfigurator.Message<BookingConfirmed>(m => m.UsePartitioner(byBooking, c => c.Message.BookingId));
        consumerConfigurator.Message<BookingCancelled>(m => m.UsePartitioner(byBooking, c => c.Message.BookingId));
        consumerConfigurator.Message<VenueSwitchedToEmergency>(m => m.UsePartitioner(byBooking, c => c.Message.ResourceId));
        consumerConfigurator.Message<VenueSwitchedBack>(m => m.UsePartitioner(byBooking, c => c.Message.ResourceId));
    }
}

public static class ResourcesSetup
{
    public static IServiceCollection AddAllianceResources(this IServiceCollection services)
    {
        services.AddScoped<BookingOperations>();
        services.AddScoped<BookingDecisions>();
        services.AddScoped<EmergencyOperations>();
        services.AddScoped<ResourceOperations>();
        services.AddScoped<Items.IItemProjection, BookingProjection>();
        services.AddSingleton<BookingExpiry>();
        services.AddHostedService<BookingExpiryStartup>();
        LiveSetup.AddStreamKind<ResourceStreamKind>(services);
        return services;
    }
}
