using Alliance.Contracts.Notifications;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Live;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Realtime;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Notifications;

/// <summary><c>person:{userId}</c>: the person's own notification centre; nobody else may watch it (not even an administrator).</summary>
public sealed class PersonStreamKind : IStreamKind
{
    public const string Kind = "person";

    public string Name => Kind;

    public Task<bool> CanReadAsync(AccessScope scope, Guid key, CancellationToken cancellationToken) =>
        Task.FromResult(scope.UserId == key);
}

/// <summary>
/// A new notification or a read → <see cref="NotificationEvent"/> on <c>person:{userId}</c>, with the unread count read
/// when the event is fed (gap-free numbering and replay come from the live feed; a redelivered event appends nothing).
/// </summary>
public sealed class NotificationFeed(LiveFeed feed, IDbContextFactory<AllianceDbContext> contexts) : IConsumer<NotificationCreated>, IConsumer<NotificationsRead>
{
    public async Task Consume(ConsumeContext<NotificationCreated> context)
    {
        var m = context.Message;
        var unread = await UnreadAsync(m.UserId, context.CancellationToken);
        await feed.PublishAsync(m.EventId,
            [(StreamId.For(PersonStreamKind.Kind, m.UserId), new NotificationEvent(m.NotificationId, "created", m.Topic, m.TitleZh, m.TitleEn, m.Urgent, unread) { At = m.OccurredAt })],
            context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<NotificationsRead> context)
    {
        var m = context.Message;
        var unread = await UnreadAsync(m.UserId, context.CancellationToken);
        await feed.PublishAsync(m.EventId,
            [(StreamId.For(PersonStreamKind.Kind, m.UserId), new NotificationEvent(m.NotificationId, "read", null, null, null, false, unread) { At = m.OccurredAt })],
            context.CancellationToken);
    }

    private async Task<int> UnreadAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<Notification>().CountAsync(n => n.UserId == userId && n.ReadUtc == null, cancellationToken);
    }
}

/// <summary>One person's events are fed one at a time per node, so their unread counts follow each other in order.</summary>
public sealed class NotificationFeedDefinition : ConsumerDefinition<NotificationFeed>
{
    public NotificationFeedDefinition() => ConcurrentMessageLimit = 64;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<NotificationFeed> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        ArgumentNullException.ThrowIfNull(consumerConfigurator);
        var byPerson = endpointConfigurator.CreatePartitioner(64);
        consumerConfigurator.Message<NotificationCreated>(m => m.UsePartitioner(byPerson, c => c.Message.UserId));
        consumerConfigurator.Message<NotificationsRead>(m => m.UsePartitioner(byPerson, c => c.Message.UserId));
    }
}
