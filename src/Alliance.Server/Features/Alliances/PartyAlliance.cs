using System.Text.Json.Serialization;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Alliances;

[JsonConverter(typeof(StronglyTypedIdJsonConverter<AllianceId>))]
public readonly record struct AllianceId(Guid Value) : IStronglyTypedId<AllianceId>
{
    public static AllianceId New() => new(Guid.CreateVersion7());

    public static AllianceId From(Guid value) => new(value);

    public static bool TryParse(string? text, out AllianceId id)
    {
        var ok = Guid.TryParse(text, out var value);
        id = new(value);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

[JsonConverter(typeof(StronglyTypedIdJsonConverter<MembershipId>))]
public readonly record struct MembershipId(Guid Value) : IStronglyTypedId<MembershipId>
{
    public static MembershipId New() => new(Guid.CreateVersion7());

    public static MembershipId From(Guid value) => new(value);

    public static bool TryParse(string? text, out MembershipId id)
    {
        var ok = Guid.TryParse(text, out var value);
        id = new(value);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

[JsonConverter(typeof(JsonStringEnumConverter<AllianceLevel>))]
public enum AllianceLevel
{
    /// <summary>街道"大党工委", hosted by a street.</summary>
    Street,

    /// <summary>社区"区域化党建联盟", hosted by a community.</summary>
    Community,
}

[JsonConverter(typeof(JsonStringEnumConverter<AllianceStatus>))]
public enum AllianceStatus
{
    Active,
    Dissolved,
}

[JsonConverter(typeof(JsonStringEnumConverter<MembershipStatus>))]
public enum MembershipStatus
{
    Active,

    /// <summary>The member left; <see cref="AllianceMembership.Until"/> says when.</summary>
    Ended,
}

/// <summary>A street-level or community-level alliance, hosted by that street or community.</summary>
public sealed class PartyAlliance
{
    public AllianceId Id { get; init; }

    public AllianceLevel Level { get; init; }

    public required string Name { get; set; }

    public OrganisationId HostOrganisationId { get; init; }

    public AllianceStatus Status { get; set; }

    public RulesOfProcedure Rules { get; set; } = new();

    public DateTimeOffset CreatedAt { get; init; }

    public static OrganisationKind HostKindOf(AllianceLevel level) =>
        level == AllianceLevel.Street ? OrganisationKind.Street : OrganisationKind.Community;
}

/// <summary>
/// A member of an alliance: a unit (or, in a street alliance, a community), represented by its part-time
/// member (兼职委员). Ending a membership sets <see cref="Until"/>; the row stays.
/// </summary>
public sealed class AllianceMembership
{
    public MembershipId Id { get; init; }

    public AllianceId AllianceId { get; init; }

    public OrganisationId OrganisationId { get; init; }

    /// <summary>The person (user id) who represents the member on the alliance, if named.</summary>
    public Guid? PartTimeMemberId { get; set; }

    public DateOnly Since { get; set; }

    public DateOnly? Until { get; set; }

    public MembershipStatus Status { get; set; }
}

internal sealed class AllianceConfiguration : IEntityTypeConfiguration<PartyAlliance>
{
    public void Configure(EntityTypeBuilder<PartyAlliance> builder)
    {
        builder.ToTable("alliances");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.Level).HasMaxLength(20);
        builder.Property(a => a.Status).HasMaxLength(20);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(a => a.HostOrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => a.HostOrganisationId);
        builder.OwnsOne(a => a.Rules, rules =>
        {
            rules.Property(r => r.Quorum).HasConversion(t => t.ToString(), s => Threshold.Parse(s)).HasMaxLength(20);
            rules.Property(r => r.PassThreshold).HasConversion(t => t.ToString(), s => Threshold.Parse(s)).HasMaxLength(20);
            rules.Property(r => r.QualifiedPassThreshold).HasConversion(t => t.ToString(), s => Threshold.Parse(s)).HasMaxLength(20);
            rules.Property(r => r.MeetingSchedule).HasMaxLength(100);
            rules.Property(r => r.CommitmentReportSchedule).HasMaxLength(100);
            rules.Property(r => r.TimeZone).HasMaxLength(60);
            rules.Property(r => r.DecisionsAt).HasMaxLength(20);
        });
        builder.Navigation(a => a.Rules).IsRequired();
    }
}

internal sealed class AllianceMembershipConfiguration : IEntityTypeConfiguration<AllianceMembership>
{
    public void Configure(EntityTypeBuilder<AllianceMembership> builder)
    {
        builder.ToTable("alliance_memberships");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Status).HasMaxLength(20);
        builder.HasOne<PartyAlliance>().WithMany().HasForeignKey(m => m.AllianceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(m => new { m.AllianceId, m.OrganisationId });
        builder.HasIndex(m => m.OrganisationId);
    }
}
