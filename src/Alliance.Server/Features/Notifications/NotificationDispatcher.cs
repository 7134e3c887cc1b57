using Alliance.Contracts.Notifications;
using Alliance.Server.Infrastructure.Persistence;
using Hangfire;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Notifications;

/// <summary>
/// Sends one external delivery, never twice by itself and never lost silently, per (notification, channel):
/// <list type="number">
/// <item>a delivery already Sent or DeadLettered, or not yet due (<see cref="NotificationDelivery.NextAttemptUtc"/>), is left alone: a redelivered message sends nothing;</item>
/// <item>a non-urgent delivery inside the person's quiet hours is Held until they end (urgent ones go through);</item>
/// <item>the delivery is claimed by one conditional UPDATE (→ Sending, with a lease), so two nodes or two copies of the message cannot both send;</item>
/// <item>immediately before the channel call a second conditional UPDATE marks it handed over (<see cref="NotificationDelivery.HandedOverUtc"/>);
/// if the claim was taken over meanwhile, nothing is sent;</item>
/// <item>the channel sends; success → Sent; failure → Retrying after <c>NotificationRetryDelay × 2^(attempt−1)</c>, or DeadLettered once <c>NotificationMaxAttempts</c> are used.</item>
/// </list>
/// Every attempt is logged in <c>notification_attempts</c>. Retries and held deliveries are run by <see cref="RunDueAsync"/>:
/// a Hangfire job scheduled at the moment they fall due, and a recurring sweep every minute. A node that dies while
/// Sending leaves its lease to run out; then (the sweep, or the bus redelivering the message) a delivery that was never
/// handed over is taken over and sent, and one that was handed over and never recorded is dead-lettered as
/// <see cref="OutcomeUnknown"/>: the robot may have received it, and group robots have no idempotency key, so only an
/// administrator who has checked the channel replays it. A replayed delivery gets a fresh set of attempts.
/// </summary>
public sealed class NotificationDispatcher(
    IDbContextFactory<AllianceDbContext> contexts, IEnumerable<IChannelSender> senders, ChannelSecrets secrets, NotificationOptions options,
    TimeProvider time, IBackgroundJobClient jobs, ILogger<NotificationDispatcher> logger)
{
    /// <summary>The dead letter's reason when a sender died between handing the message to the channel and recording the outcome.</summary>
    public const string OutcomeUnknown = "结果未知：发送途中节点中断，请在渠道中核实后再重发 / outcome unknown: the node stopped mid-send; check the channel before replaying";

    private readonly Dictionary<NotificationChannel, IChannelSender> _senders = senders.ToDictionary(s => s.Channel);

    public async Task<DeliveryState?> AttemptAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var delivery = await db.Set<NotificationDelivery>().SingleOrDefaultAsync(d => d.Id == deliveryId, cancellationToken);
        if (delivery is null || delivery.State is DeliveryState.Sent or DeliveryState.DeadLettered or DeliveryState.Digest || delivery.Channel == NotificationChannel.InApp)
        {
            return delivery?.State;
        }

        if (delivery.State == DeliveryState.Sending ? delivery.LeaseUntilUtc > now : delivery.NextAttemptUtc > now)
        {
            return delivery.State; // being sent elsewhere, or not due yet: a job is scheduled for it
        }

        if (delivery.State == DeliveryState.Sending && delivery.HandedOverUtc is not null)
        {
            return await OutcomeUnknownAsync(db, delivery, now, cancellationToken);
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
            .Where(d => d.Id == deliveryId && d.Attempts == delivery.Attempts && d.State == previous && d.HandedOverUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.Sending).SetProperty(d => d.Attempts, attempt).SetProperty(d => d.LeaseUntilUtc, now + options.Lease),
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

            // From here on the recipient may get the message: a sender that dies before recording the outcome leaves it "unknown", not "to send".
            var handedOver = await db.Set<NotificationDelivery>()
                .Where(d => d.Id == deliveryId && d.Attempts == attempt && d.State == DeliveryState.Sending && d.HandedOverUtc == null)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.HandedOverUtc, time.GetUtcNow().UtcDateTime), cancellationToken);
            if (handedOver == 0)
            {
                return null; // our lease ran out before the send, and another sender took the delivery over
            }

            await sender.SendAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = e is DeliveryFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            logger.LogWarning("Delivery {Delivery} ({Channel}) attempt {Attempt} failed: {Error}", deliveryId, delivery.Channel, attempt, error);
        }

        var after = time.GetUtcNow();
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

        // The outcome and its log row in one commit. Attempts is the concurrency token: the UPDATE only applies while the
        // row still holds this claim (a sender whose lease ran out and was taken over changes nothing).
        var entry = db.Entry(delivery);
        entry.Property(d => d.Attempts).OriginalValue = attempt;
        delivery.Attempts = attempt;
        delivery.State = state;
        delivery.LeaseUntilUtc = null;
        delivery.HandedOverUtc = null;
        delivery.LastError = Cut(error);
        delivery.SentUtc = error is null ? after.UtcDateTime : null;
        delivery.NextAttemptUtc = (retryAt ?? after).UtcDateTime;
        // the claim changed the row behind the tracker's back: write every field, whatever the tracker thinks it held
        foreach (var property in new[]
                 {
                     nameof(delivery.State), nameof(delivery.LeaseUntilUtc), nameof(delivery.HandedOverUtc), nameof(delivery.LastError), nameof(delivery.SentUtc),
                     nameof(delivery.NextAttemptUtc),
                 })
        {
            entry.Property(property).IsModified = true;
        }

        db.Add(new NotificationAttempt { DeliveryId = deliveryId, Number = attempt, AtUtc = after.UtcDateTime, Succeeded = error is null, Error = Cut(error) });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e)
        {
            logger.LogWarning(e, "Delivery {Delivery} attempt {Attempt} was taken over by another sender; its outcome is not recorded", deliveryId, attempt);
            return null;
        }

        if (retryAt is { } at)
        {
            ScheduleAt(deliveryId, at);
        }

        return state;
    }

    /// <summary>
    /// A claim whose sender handed the message to the channel and then stopped (its lease ran out, no outcome recorded):
    /// dead-lettered as <see cref="OutcomeUnknown"/>, with its attempt logged, in one commit. Attempts is the
    /// concurrency token and the attempt's number is unique, so if that sender did record an outcome after all, one of
    /// the two commits fails and the other stands.
    /// </summary>
    private async Task<DeliveryState?> OutcomeUnknownAsync(AllianceDbContext db, NotificationDelivery delivery, DateTime now, CancellationToken cancellationToken)
    {
        delivery.State = DeliveryState.DeadLettered;
        delivery.LeaseUntilUtc = null;
        delivery.HandedOverUtc = null;
        delivery.LastError = OutcomeUnknown;
        delivery.NextAttemptUtc = now;
        db.Add(new NotificationAttempt { DeliveryId = delivery.Id, Number = delivery.Attempts, AtUtc = now, Succeeded = false, Error = OutcomeUnknown });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e)
        {
            logger.LogInformation(e, "Delivery {Delivery} attempt {Attempt}: its outcome was recorded meanwhile", delivery.Id, delivery.Attempts);
            return null;
        }

        logger.LogWarning("Delivery {Delivery} ({Channel}) attempt {Attempt} was handed to the channel by a sender that stopped before recording the outcome: dead-lettered, not resent",
            delivery.Id, delivery.Channel, delivery.Attempts);
        return DeliveryState.DeadLettered;
    }

    /// <summary>Attempts every delivery that is due (retries, held ones whose quiet hours ended, lost claims); returns how many it tried.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        await SendDigestsAsync(cancellationToken);
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

    /// <summary>
    /// Sends each person's due digest: per person and channel, the deliveries waiting in <see cref="DeliveryState.Digest"/>
    /// go out as one message listing their titles, and are Sent together. If it fails they become ordinary retries (each
    /// on its own). Returns the number of digest messages sent.
    /// </summary>
    public async Task<int> SendDigestsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var due = await db.Set<NotificationDelivery>().AsNoTracking()
            .Where(d => d.State == DeliveryState.Digest && d.NextAttemptUtc <= now.UtcDateTime)
            .Join(db.Set<Notification>(), d => d.NotificationId, n => n.Id, (d, n) => new { Delivery = d, Notification = n })
            .ToListAsync(cancellationToken);
        var sent = 0;
        foreach (var group in due.GroupBy(x => (x.Notification.UserId, x.Delivery.Channel)))
        {
            // claim them all with one mark, then take what carries the mark (another node may have claimed some)
            var ids = group.Select(x => x.Delivery.Id).ToList();
            var mark = (now + options.Lease).UtcDateTime.AddTicks(Random.Shared.Next(1, 10_000));
            await db.Set<NotificationDelivery>().Where(d => ids.Contains(d.Id) && d.State == DeliveryState.Digest)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.State, DeliveryState.Sending).SetProperty(d => d.Attempts, d => d.Attempts + 1).SetProperty(d => d.LeaseUntilUtc, mark),
                    cancellationToken);
            var claimed = await db.Set<NotificationDelivery>().Where(d => ids.Contains(d.Id) && d.State == DeliveryState.Sending && d.LeaseUntilUtc == mark).ToListAsync(cancellationToken);
            if (claimed.Count == 0)
            {
                continue;
            }

            var notifications = group.Where(x => claimed.Any(c => c.Id == x.Delivery.Id)).Select(x => x.Notification).OrderBy(n => n.CreatedUtc).ToList();
            var person = await db.Set<PersonNotificationSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.UserId == group.Key.UserId, cancellationToken)
                ?? PersonNotificationSettings.DefaultFor(group.Key.UserId);
            var english = string.Equals(person.Language, "en", StringComparison.OrdinalIgnoreCase);
            var lines = notifications.Select(n => "• " + (english ? n.TitleEn : n.TitleZh));
            var digest = new Notification
            {
                Id = notifications[0].Id, UserId = group.Key.UserId, Topic = "digest", OrganisationId = notifications[0].OrganisationId,
                TitleZh = $"每日通知汇总（{notifications.Count} 条）", TitleEn = $"Daily digest ({notifications.Count})",
                BodyZh = string.Join('\n', lines), BodyEn = string.Join('\n', lines),
            };
            string? error = null;
            try
            {
                var message = await MessageAsync(db, digest, person, cancellationToken);
                var claimedIds = claimed.Select(d => d.Id).ToList();
                var handedAt = time.GetUtcNow().UtcDateTime;
                var handedOver = await db.Set<NotificationDelivery>()
                    .Where(d => claimedIds.Contains(d.Id) && d.State == DeliveryState.Sending && d.LeaseUntilUtc == mark && d.HandedOverUtc == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(d => d.HandedOverUtc, handedAt), cancellationToken);
                if (handedOver != claimed.Count)
                {
                    // the lease ran out before the send and some were taken over: send nothing; the rest are taken over too
                    await db.Set<NotificationDelivery>().Where(d => claimedIds.Contains(d.Id) && d.LeaseUntilUtc == mark && d.HandedOverUtc == handedAt)
                        .ExecuteUpdateAsync(u => u.SetProperty(d => d.HandedOverUtc, (DateTime?)null), cancellationToken);
                    db.ChangeTracker.Clear();
                    continue;
                }

                await _senders[group.Key.Channel].SendAsync(message, cancellationToken);
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = e is DeliveryFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                logger.LogWarning("Digest of {Count} for {User} ({Channel}) failed: {Error}", claimed.Count, group.Key.UserId, group.Key.Channel, error);
            }

            var after = time.GetUtcNow();
            foreach (var delivery in claimed)
            {
                delivery.State = error is null ? DeliveryState.Sent : DeliveryState.Retrying;
                delivery.LeaseUntilUtc = null;
                delivery.HandedOverUtc = null;
                db.Entry(delivery).Property(d => d.HandedOverUtc).IsModified = true; // set behind the tracker's back
                delivery.LastError = Cut(error);
                delivery.SentUtc = error is null ? after.UtcDateTime : null;
                delivery.NextAttemptUtc = (error is null ? after : after + options.RetryDelay).UtcDateTime;
                db.Add(new NotificationAttempt { DeliveryId = delivery.Id, Number = delivery.Attempts, AtUtc = after.UtcDateTime, Succeeded = error is null, Error = Cut(error ?? "daily digest") });
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        return sent;
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

/// <summary>The daily digest goes out at 08:00 China Standard Time (the minute sweep sends what fell due).</summary>
public static class DailyDigest
{
    public static readonly TimeOnly At = new(8, 0);

    /// <summary>The next 08:00 China time after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextAfter(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, NotificationTopics.ChinaTime);
        var date = DateOnly.FromDateTime(local.DateTime);
        if (TimeOnly.FromDateTime(local.DateTime) >= At)
        {
            date = date.AddDays(1);
        }

        var at = date.ToDateTime(At);
        return new DateTimeOffset(at, NotificationTopics.ChinaTime.GetUtcOffset(at));
    }
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
