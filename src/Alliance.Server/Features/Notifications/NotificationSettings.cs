using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Notifications;

/// <summary>
/// A person's own choices: which external channels reach them, their e-mail and mobile number (for e-mail, SMS and
/// @mentions in group robots), quiet hours in China Standard Time, the daily digest and the language of messages.
/// A person without a row has the defaults: in-app only, quiet 22:00–07:00, zh-CN.
/// </summary>
public sealed class PersonNotificationSettings
{
    public static readonly TimeOnly DefaultQuietStart = new(22, 0);
    public static readonly TimeOnly DefaultQuietEnd = new(7, 0);

    public Guid UserId { get; init; }

    public List<NotificationChannel> Channels { get; set; } = [];

    public string? Email { get; set; }

    public string? Mobile { get; set; }

    public TimeOnly QuietStart { get; set; } = DefaultQuietStart;

    public TimeOnly QuietEnd { get; set; } = DefaultQuietEnd;

    /// <summary>Non-urgent external deliveries wait for the daily digest (08:00 China time) and go out as one message per channel.</summary>
    public bool Digest { get; set; }

    /// <summary><c>zh-CN</c> (default) or <c>en</c>: the language of external messages.</summary>
    public string Language { get; set; } = "zh-CN";

    public static PersonNotificationSettings DefaultFor(Guid userId) => new() { UserId = userId };
}

/// <summary>
/// An organisation's group robots: the WeCom (企业微信) and DingTalk (钉钉) webhook URLs and the DingTalk signing
/// secret, each stored encrypted with Data Protection (<see cref="ChannelSecrets"/>) and never shown back in full.
/// </summary>
public sealed class OrganisationChannels
{
    public Guid OrganisationId { get; init; }

    public string? WeComWebhookProtected { get; set; }

    public string? DingTalkWebhookProtected { get; set; }

    public string? DingTalkSecretProtected { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? UpdatedBy { get; set; }
}

/// <summary>
/// An alliance's setting for one rule (<see cref="NotificationTopics"/>): on or off, and which roles of the concerned
/// organisations are told (empty: the rule's default). An alliance without a row has the defaults.
/// </summary>
public sealed class AllianceNotificationRule
{
    public Guid AllianceId { get; init; }

    public required string Topic { get; init; }

    public bool Enabled { get; set; } = true;

    public List<AllianceRole> Roles { get; set; } = [];

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class PersonNotificationSettingsConfiguration : IEntityTypeConfiguration<PersonNotificationSettings>
{
    public void Configure(EntityTypeBuilder<PersonNotificationSettings> builder)
    {
        builder.ToTable("notification_person_settings");
        builder.HasKey(s => s.UserId);
        builder.Property(s => s.Channels).HasConversion(new JsonListConverter<NotificationChannel>(), JsonListComparer.For<NotificationChannel>());
        builder.Property(s => s.Email).HasMaxLength(200);
        builder.Property(s => s.Mobile).HasMaxLength(20);
        builder.Property(s => s.Language).HasMaxLength(10);
        builder.HasOne<AllianceUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OrganisationChannelsConfiguration : IEntityTypeConfiguration<OrganisationChannels>
{
    public void Configure(EntityTypeBuilder<OrganisationChannels> builder)
    {
        builder.ToTable("notification_organisation_channels");
        builder.HasKey(s => s.OrganisationId);
    }
}

internal sealed class AllianceNotificationRuleConfiguration : IEntityTypeConfiguration<AllianceNotificationRule>
{
    public void Configure(EntityTypeBuilder<AllianceNotificationRule> builder)
    {
        builder.ToTable("notification_rules");
        builder.HasKey(r => new { r.AllianceId, r.Topic });
        builder.Property(r => r.Topic).HasMaxLength(40);
        builder.Property(r => r.Roles).HasConversion(new JsonListConverter<AllianceRole>(), JsonListComparer.For<AllianceRole>());
    }
}
