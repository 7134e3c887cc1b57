using Alliance.Contracts.Notifications;
using Alliance.Server.Infrastructure.Persistence;
using Hangfire;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Notifications;

/// <summary>
/// Sends one external delivery, with its effect exactly once per (notification, channel):
/// <list type="number">
/// <item>a delivery already Sent or DeadLettered, or not yet due (<see cref="NotificationDelivery.NextAttemptUtc"/>), is left alone: a redelivered message sends nothing;</item>
/// <item>a non-urgent delivery inside the person's quiet hours is Held until they end (urgent ones go through);</item>
/// <item>the delivery is claimed by one conditional UPDATE (→ Sending, with a lease), so two nodes or two copies of the message cannot both send;</item>
/// <item>the channel sends; success → Sent; failure → Retrying after <c>NotificationRetryDelay × 2^(attempt−1)</c>, or DeadLettered once <c>NotificationMaxAttempts</c> are used.</item>
/// </list>
/// Every attempt is logged in <c>notification_attempts</c>. Retries and held deliveries are run by <see cref="RunDueAsync"/>:
/// a Hangfire job scheduled at the moment they fall due, and a recurring sweep every minute (also the safety net for a
/// node that died while Sending: its lease runs out and the sweep takes the delivery over). A dead-lettered delivery that an administrator replays gets a fresh set of attempts.
/// </summary>
public sealed class NotificationDispatcher(
    IDbContextFactory<AllianceDbContext> contexts, IEnumerable<IChannelSender> senders, ChannelSecrets secrets, NotificationOptions options,
    TimeProvider time, IBackgroundJobClient jobs, ILogger<NotificationDispatcher> logger)
{
    /// <summary>How long a claim lasts; a sender that has not finished by then is presumed dead.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private readonly Dictionary<NotificationChannel, IChannelSender> _senders = senders.ToDictionary(s => s.Channel);

    public async Task<DeliveryState?> AttemptAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var delivery = await db.Set<NotificationDelivery>().SingleOrDefaultAsync(d => d.Id == deliveryId, cancellationToken);
        if (delivery is null || delivery.State is DeliveryState.Sent or DeliveryState.DeadLettered || delivery.Channel == NotificationChannel.InApp)
        {
            return delivery?.State;
        }

        if (delivery.State == DeliveryState.Sending ? delivery.LeaseUntilUtc > now : delivery.NextAttemptUtc > now)
        {
            return delivery.State; // being sent elsewhere, or not due yet: a job is scheduled for it
        }

        var notification = await db.Set<Notification>().AsNoTracking().SingleAsync(n => n.Id == delivery.NotificationId, cancellationToken);
        var person = await db.Set<PersonNotificationSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.UserId == notification.UserId, cancellationToken)
            ?? PersonNotificationSettings.DefaultFor(notification.UserId);
        if (!notification.Urgent && QuietHours.EndOf(person, time.GetUtcNow()) is { } quietUntil)
        {
            delivery.State = DeliveryState.Held;
            delivery.NextAttemptUtc = quietUntil.UtcDateTime;
            await db.SaveChangesAsync(cancellationToken);
            ScheduleAt(delivery.Id, quietUntil);
            return DeliveryState.Held;
        }

        var previous = delivery.State;
        var attempt = delivery.Attempts + 1;
        var claimed = await db.Set<NotificationDelivery>()
            .Where(d => d.Id == deliveryId && d.Attempts == delivery.Attempts && d.State == previous)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.Sending).SetProperty(d => d.Attempts, attempt).SetProperty(d => d.LeaseUntilUtc, now + Lease),
                cancellationToken);
        if (claimed == 0)
        {
            return null; // another node or another copy of the message took it
        }

        string? error = null;
        try
        {
            var message = await MessageAsync(db, notification, person, cancellationToken);
            if (!_senders.TryGetValue(delivery.Channel, out var sender) || !options.Enabled(delivery.Channel))
            {
                throw new DeliveryFailedException($"The {delivery.Channel} channel is not switched on (Alliance:NotificationChannels).");
            }

            await sender.SendAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = e is DeliveryFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            logger.LogWarning("Delivery {Delivery} ({Channel}) attempt {Attempt} failed: {Error}", deliveryId, delivery.Channel, attempt, error);
        }

        var after = time.GetUtcNow();
        db.ChangeTracker.Clear();
        db.Add(new NotificationAttempt { DeliveryId = deliveryId, Number = attempt, AtUtc = after.UtcDateTime, Succeeded = error is null, Error = Cut(error) });
        DeliveryState state;
        DateTimeOffset? retryAt = null;
        if (error is null)
        {
            state = DeliveryState.Sent;
        }
        else if (attempt >= delivery.AttemptLimit)
        {
            state = DeliveryState.DeadLettered;
        }
        else
        {
            state = DeliveryState.Retrying;
            retryAt = after + options.RetryDelay * Math.Pow(2, attempt - 1);
        }

        await db.SaveChangesAsync(cancellationToken);
        await db.Set<NotificationDelivery>().Where(d => d.Id == deliveryId && d.Attempts == attempt && d.State == DeliveryState.Sending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.State, state)
                .SetProperty(d => d.LeaseUntilUtc, (DateTime?)null)
                .SetProperty(d => d.LastError, Cut(error))
                .SetProperty(d => d.SentUtc, error is null ? after.UtcDateTime : null)
                .SetProperty(d => d.NextAttemptUtc, (retryAt ?? after).UtcDateTime), cancellationToken);
        if (retryAt is { } at)
        {
            ScheduleAt(deliveryId, at);
        }

        return state;
    }

    /// <summary>Attempts every delivery that is due (retries, held ones whose quiet hours ended, lost claims); returns how many it tried.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        List<Guid> due;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            due = await db.Set<NotificationDelivery>().AsNoTracking()
                .Where(d => d.Channel != NotificationChannel.InApp
                    && (((d.State == DeliveryState.Pending || d.State == DeliveryState.Held || d.State == DeliveryState.Retrying) && d.NextAttemptUtc <= now)
                        || (d.State == DeliveryState.Sending && d.LeaseUntilUtc < now)))
                .OrderBy(d => d.NextAttemptUtc).Select(d => d.Id).Take(1000).ToListAsync(cancellationToken);
        }

        foreach (var id in due)
        {
            await AttemptAsync(id, cancellationToken);
        }

        return due.Count;
    }

    private async Task<OutgoingMessage> MessageAsync(AllianceDbContext db, Notification notification, PersonNotificationSettings person, CancellationToken cancellationToken)
    {
        var robots = notification.OrganisationId is { } organisation
            ? await db.Set<OrganisationChannels>().AsNoTracking().SingleOrDefaultAsync(c => c.OrganisationId == organisation, cancellationToken)
            : null;
        var (title, body) = new RenderedMessage(notification.TitleZh, notification.TitleEn, notification.BodyZh, notification.BodyEn).For(person.Language);
        return new OutgoingMessage(notification.Id, title, body, notification.Urgent, person.Email, person.Mobile,
            secrets.Unprotect(ChannelSecrets.WeComWebhookPurpose, robots?.WeComWebhookProtected),
            secrets.Unprotect(ChannelSecrets.DingTalkWebhookPurpose, robots?.DingTalkWebhookProtected),
            secrets.Unprotect(ChannelSecrets.DingTalkSecretPurpose, robots?.DingTalkSecretProtected));
    }

    private void ScheduleAt(Guid deliveryId, DateTimeOffset at)
    {
        var delay = at - time.GetUtcNow();
        jobs.Schedule<NotificationDeliveryJob>(job => job.AttemptAsync(deliveryId, CancellationToken.None), delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
    }

    private static string? Cut(string? text) => text is null || text.Length <= 1000 ? text : text[..1000];
}

/// <summary>The Hangfire jobs: one delivery when it falls due, and the sweep of everything due.</summary>
public sealed class NotificationDeliveryJob(NotificationDispatcher dispatcher)
{
    [AutomaticRetry(Attempts = 0)]
    public Task AttemptAsync(Guid deliveryId, CancellationToken cancellationToken) => dispatcher.AttemptAsync(deliveryId, cancellationToken);

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(60)]
    public Task RunDueAsync(CancellationToken cancellationToken) => dispatcher.RunDueAsync(cancellationToken);
}

/// <summary>The first attempt of each external delivery, as the outbox publishes it.</summary>
public sealed class NotificationDeliveryConsumer(NotificationDispatcher dispatcher) : IConsumer<NotificationDeliveryRequested>
{
    public Task Consume(ConsumeContext<NotificationDeliveryRequested> context) => dispatcher.AttemptAsync(context.Message.DeliveryId, context.CancellationToken);
}

public sealed class NotificationDeliveryConsumerDefinition : ConsumerDefinition<NotificationDeliveryConsumer>
{
    public NotificationDeliveryConsumerDefinition() => ConcurrentMessageLimit = 32;
}

/// <summary>Quiet hours in China Standard Time (default 22:00–07:00; a window may cross midnight).</summary>
public static class QuietHours
{
    /// <summary>When the person's quiet hours end, if <paramref name="now"/> is inside them; else null.</summary>
    public static DateTimeOffset? EndOf(PersonNotificationSettings person, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(person);
        if (person.QuietStart == person.QuietEnd)
        {
            return null; // no quiet hours
        }

        var local = TimeZoneInfo.ConvertTime(now, NotificationTopics.ChinaTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var inside = person.QuietStart < person.QuietEnd
            ? time >= person.QuietStart && time < person.QuietEnd
            : time >= person.QuietStart || time < person.QuietEnd;
        if (!inside)
        {
            return null;
        }

        var endDate = DateOnly.FromDateTime(local.DateTime);
        if (time >= person.QuietEnd)
        {
            endDate = endDate.AddDays(1);
        }

        var endLocal = endDate.ToDateTime(person.QuietEnd);
        return new DateTimeOffset(endLocal, NotificationTopics.ChinaTime.GetUtcOffset(endLocal));
    }
}
