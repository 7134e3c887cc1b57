using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Notifications;

/// <summary>The ways a notification reaches a person. In-app is always on; the others are chosen per person and organisation.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NotificationChannel>))]
public enum NotificationChannel
{
    InApp,
    WeCom,
    DingTalk,
    Email,
    Sms,
}

/// <summary>
/// Where one delivery stands. Pending → Sending → Sent, or → Retrying (after a failure, until its next attempt) →
/// Sending ..., or → DeadLettered once the attempts are used up, or when a sender died after handing the message to the
/// channel (outcome unknown; an administrator may replay it: → Pending). Held:
/// waiting for the end of the person's quiet hours. Digest: waiting for the person's daily digest (08:00 China time),
/// which sends all of them as one message per channel. Sent and DeadLettered are final until a replay.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeliveryState>))]
public enum DeliveryState
{
    Pending,
    Held,
    Sending,
    Retrying,
    Sent,
    DeadLettered,
    Digest,
}

/// <summary>One notification in one person's notification centre (站内通知). Nothing is deleted; reading sets <see cref="ReadUtc"/>.</summary>
public sealed class Notification
{
    public Guid Id { get; init; }

    public Guid UserId { get; init; }

    /// <summary>The rule that produced it, e.g. <c>task.assigned</c> (<see cref="NotificationTopics"/>).</summary>
    public required string Topic { get; init; }

    /// <summary>Urgent notifications (急事共商, 平急转换) ignore quiet hours.</summary>
    public bool Urgent { get; init; }

    public Guid? AllianceId { get; init; }

    /// <summary>The organisation the person is told as (whose group robots carry it).</summary>
    public Guid? OrganisationId { get; init; }

    /// <summary>The thing it is about: an item or a booking.</summary>
    public Guid? SubjectId { get; init; }

    public required string TitleZh { get; init; }

    public required string TitleEn { get; init; }

    public required string BodyZh { get; init; }

    public required string BodyEn { get; init; }

    /// <summary>The bus event it came from (with the topic and the person, unique: one notification per event, topic and person).</summary>
    public Guid SourceEventId { get; init; }

    public DateTime CreatedUtc { get; init; }

    public DateTime? ReadUtc { get; set; }
}

/// <summary>One delivery of a notification over one channel: unique per (notification, channel), with its state machine and log.</summary>
public sealed class NotificationDelivery
{
    public Guid Id { get; init; }

    public Guid NotificationId { get; init; }

    public NotificationChannel Channel { get; init; }

    public DeliveryState State { get; set; }

    public int Attempts { get; set; }

    /// <summary>The attempt after which a failure dead-letters the delivery (raised by each replay).</summary>
    public int AttemptLimit { get; set; }

    /// <summary>When the next attempt may run (quiet hours' end, or the back-off after a failure).</summary>
    public DateTime NextAttemptUtc { get; set; }

    /// <summary>While Sending: after this a crashed sender's claim may be taken over.</summary>
    public DateTime? LeaseUntilUtc { get; set; }

    /// <summary>
    /// While Sending: when the message was handed to the channel (set immediately before the channel call, cleared when
    /// the outcome is recorded). A claim whose lease ran out with this set may have reached the recipient: it is
    /// dead-lettered as "outcome unknown", never sent again by itself. Null: not handed over (yet), safe to take over.
    /// </summary>
    public DateTime? HandedOverUtc { get; set; }

    public DateTime? SentUtc { get; set; }

    public string? LastError { get; set; }

    public DateTime CreatedUtc { get; init; }
}

/// <summary>One attempt of a delivery: the log an administrator reads.</summary>
public sealed class NotificationAttempt
{
    public long Id { get; init; }

    public Guid DeliveryId { get; init; }

    public int Number { get; init; }

    public DateTime AtUtc { get; init; }

    public bool Succeeded { get; init; }

    public string? Error { get; init; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("notifications");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Topic).HasMaxLength(40);
        builder.Property(n => n.TitleZh).HasMaxLength(200);
        builder.Property(n => n.TitleEn).HasMaxLength(200);
        builder.Property(n => n.BodyZh).HasMaxLength(2000);
        builder.Property(n => n.BodyEn).HasMaxLength(2000);
        builder.HasIndex(n => new { n.UserId, n.SourceEventId, n.Topic }).IsUnique();
        builder.HasIndex(n => new { n.UserId, n.ReadUtc, n.CreatedUtc });
    }
}

internal sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> builder)
    {
        builder.ToTable("notification_deliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Channel).HasMaxLength(20);
        builder.Property(d => d.State).HasMaxLength(20);
        builder.Property(d => d.LastError).HasMaxLength(1000);
        builder.Property(d => d.Attempts).IsConcurrencyToken();
        builder.HasIndex(d => new { d.NotificationId, d.Channel }).IsUnique();
        builder.HasIndex(d => new { d.State, d.NextAttemptUtc });
        builder.HasOne<Notification>().WithMany().HasForeignKey(d => d.NotificationId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class NotificationAttemptConfiguration : IEntityTypeConfiguration<NotificationAttempt>
{
    public void Configure(EntityTypeBuilder<NotificationAttempt> builder)
    {
        builder.ToTable("notification_attempts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Error).HasMaxLength(1000);
        builder.HasIndex(a => new { a.DeliveryId, a.Number }).IsUnique();
        builder.HasOne<NotificationDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Restrict);
    }
}
