using Alliance.Contracts.Notifications;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Messaging;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Notifications;

/// <summary>
/// What one bus event should tell: the rule, the alliance whose setting applies, the organisations concerned, who in
/// them (by role), what it is about and the values of the message.
/// </summary>
public sealed record NotificationRequest(
    string Topic, Guid? AllianceId, IReadOnlyCollection<Guid> Organisations, Guid? SubjectId, IReadOnlyDictionary<string, string?> Values)
{
    /// <summary>When the alliance sets no roles and the topic has no default: who of the organisations' people is told (null: everyone).</summary>
    public Func<AllianceRole, bool>? DefaultRoleFilter { get; init; }

    /// <summary>Only this person (e.g. the one who claimed the task), when they hold a role in one of the organisations.</summary>
    public Guid? OnlyUser { get; init; }

    /// <summary>Urgent regardless of the topic's default (a booking cancelled by 平急转换).</summary>
    public bool? Urgent { get; init; }
}

/// <summary>
/// Turns one bus event into notifications, exactly once per event: the notifications, their deliveries (in-app
/// delivered at once; one row per external channel the person chose and the organisation has), the outbox events
/// that carry them on, and the consumer's <c>processed_messages</c> row are written in one <c>SaveChanges</c>.
/// A redelivered event finds its row and writes nothing.
/// </summary>
public sealed class NotificationWriter(AllianceDbContext db, NotificationOptions options, TimeProvider time)
{
    public async Task<int> WriteAsync(string consumer, Guid sourceEventId, NotificationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await db.ProcessedMessages.AnyAsync(m => m.Consumer == consumer && m.MessageId == sourceEventId, cancellationToken))
        {
            return 0;
        }

        var now = time.GetUtcNow();
        db.ProcessedMessages.Add(new ProcessedMessage { Consumer = consumer, MessageId = sourceEventId, ProcessedAtUtc = now.UtcDateTime });
        var topic = NotificationTopics.Get(request.Topic);
        var rule = request.AllianceId is { } allianceId
            ? await db.Set<AllianceNotificationRule>().AsNoTracking().SingleOrDefaultAsync(r => r.AllianceId == allianceId && r.Topic == topic.Name, cancellationToken)
            : null;
        if (rule is { Enabled: false })
        {
            await db.SaveChangesAsync(cancellationToken);
            return 0;
        }

        var roles = rule is { Roles.Count: > 0 } ? rule.Roles : topic.DefaultRoles;
        var recipients = await RecipientsAsync(request, roles, cancellationToken);
        var users = recipients.Keys.ToList();
        var settings = await db.Set<PersonNotificationSettings>().AsNoTracking().Where(s => users.Contains(s.UserId)).ToDictionaryAsync(s => s.UserId, cancellationToken);
        var organisations = recipients.Values.Distinct().ToList();
        var robots = await db.Set<OrganisationChannels>().AsNoTracking().Where(c => organisations.Contains(c.OrganisationId)).ToDictionaryAsync(c => c.OrganisationId, cancellationToken);
        var message = topic.Template.Render(request.Values);
        var urgent = request.Urgent ?? topic.Urgent;
        foreach (var (userId, organisationId) in recipients)
        {
            var notification = new Notification
            {
                Id = Guid.CreateVersion7(now),
                UserId = userId,
                Topic = topic.Name,
                Urgent = urgent,
                AllianceId = request.AllianceId,
                OrganisationId = organisationId,
                SubjectId = request.SubjectId,
                TitleZh = Cut(message.TitleZh, 200),
                TitleEn = Cut(message.TitleEn, 200),
                BodyZh = Cut(message.BodyZh, 2000),
                BodyEn = Cut(message.BodyEn, 2000),
                SourceEventId = sourceEventId,
                CreatedUtc = now.UtcDateTime,
            };
            db.Add(notification);
            db.Add(new NotificationDelivery
            {
                Id = Guid.CreateVersion7(now), NotificationId = notification.Id, Channel = NotificationChannel.InApp, State = DeliveryState.Sent, Attempts = 1, AttemptLimit = 1,
                NextAttemptUtc = now.UtcDateTime, SentUtc = now.UtcDateTime, CreatedUtc = now.UtcDateTime,
            });
            db.AddOutboxEvent(new NotificationCreated(notification.Id, userId, topic.Name, notification.TitleZh, notification.TitleEn, urgent) { OccurredAt = now });
            var person = settings.GetValueOrDefault(userId) ?? PersonNotificationSettings.DefaultFor(userId);
            foreach (var channel in person.Channels.Distinct().Where(c => Usable(c, person, robots.GetValueOrDefault(organisationId))))
            {
                var digest = person.Digest && !urgent;
                var delivery = new NotificationDelivery
                {
                    Id = Guid.CreateVersion7(now), NotificationId = notification.Id, Channel = channel, AttemptLimit = options.MaxAttempts,
                    State = digest ? DeliveryState.Digest : DeliveryState.Pending,
                    NextAttemptUtc = digest ? DailyDigest.NextAfter(now).UtcDateTime : now.UtcDateTime,
                    CreatedUtc = now.UtcDateTime,
                };
                db.Add(delivery);
                if (!digest)
                {
                    db.AddOutboxEvent(new NotificationDeliveryRequested(delivery.Id, notification.Id, channel.ToString()) { OccurredAt = now });
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return recipients.Count;
    }

    private bool Usable(NotificationChannel channel, PersonNotificationSettings person, OrganisationChannels? robots) =>
        options.Enabled(channel) && channel switch
        {
            NotificationChannel.InApp => false, // always delivered with the notification itself
            NotificationChannel.WeCom => robots?.WeComWebhookProtected is not null,
            NotificationChannel.DingTalk => robots?.DingTalkWebhookProtected is not null,
            NotificationChannel.Email => !string.IsNullOrWhiteSpace(person.Email),
            NotificationChannel.Sms => !string.IsNullOrWhiteSpace(person.Mobile),
            _ => false,
        };

    /// <summary>Each person holding a matching active grant in one of the organisations, with the first such organisation.</summary>
    private async Task<Dictionary<Guid, Guid>> RecipientsAsync(NotificationRequest request, IReadOnlyList<AllianceRole> roles, CancellationToken cancellationToken)
    {
        var organisations = request.Organisations.Distinct().Select(o => new OrganisationId(o)).ToList();
        var grants = await db.RoleGrants.AsNoTracking()
            .Where(g => g.RevokedAt == null && organisations.Contains(g.OrganisationId))
            .Select(g => new { g.UserId, g.Role, g.OrganisationId })
            .ToListAsync(cancellationToken);
        var chosen = grants.Where(g => roles.Count > 0 ? roles.Contains(g.Role) : request.DefaultRoleFilter?.Invoke(g.Role) ?? true);
        if (request.OnlyUser is { } only)
        {
            chosen = chosen.Where(g => g.UserId == only);
        }

        var order = organisations.Select((o, i) => (o, i)).ToDictionary(x => x.o, x => x.i);
        return chosen.OrderBy(g => order[g.OrganisationId]).GroupBy(g => g.UserId).ToDictionary(g => g.Key, g => g.First().OrganisationId.Value);
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}
