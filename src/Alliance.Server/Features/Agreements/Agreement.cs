using System.Text.Json.Serialization;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Agreements;

[JsonConverter(typeof(StronglyTypedIdJsonConverter<AgreementId>))]
public readonly record struct AgreementId(Guid Value) : IStronglyTypedId<AgreementId>
{
    public static AgreementId New() => new(Guid.CreateVersion7());

    public static AgreementId From(Guid value) => new(value);

    public static bool TryParse(string? text, out AgreementId id)
    {
        var ok = Guid.TryParse(text, out var value);
        id = new(value);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

[JsonConverter(typeof(JsonStringEnumConverter<AgreementStatus>))]
public enum AgreementStatus
{
    Active,

    /// <summary>Ended before its period; the row and its text stay.</summary>
    Cancelled,
}

/// <summary>A service cooperation agreement (社区服务合作协议) between a community and a co-building unit.</summary>
public sealed class Agreement
{
    public AgreementId Id { get; init; }

    public OrganisationId CommunityId { get; init; }

    public OrganisationId UnitId { get; init; }

    public required string Title { get; set; }

    public DateOnly PeriodStart { get; set; }

    public DateOnly PeriodEnd { get; set; }

    /// <summary>What the cooperation covers (服务范围).</summary>
    public required string Scope { get; set; }

    /// <summary>What the community offers in return.</summary>
    public string? CommunityOffers { get; set; }

    /// <summary>What the unit offers.</summary>
    public string? UnitOffers { get; set; }

    /// <summary>The agreement's full text.</summary>
    public required string Text { get; set; }

    public AgreementStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? CancelledAt { get; set; }

    public string? CancelReason { get; set; }
}

internal sealed class AgreementConfiguration : IEntityTypeConfiguration<Agreement>
{
    public void Configure(EntityTypeBuilder<Agreement> builder)
    {
        builder.ToTable("agreements");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Title).HasMaxLength(200);
        builder.Property(a => a.Scope).HasMaxLength(1000);
        builder.Property(a => a.CommunityOffers).HasMaxLength(1000);
        builder.Property(a => a.UnitOffers).HasMaxLength(1000);
        builder.Property(a => a.Text).HasMaxLength(20000);
        builder.Property(a => a.CancelReason).HasMaxLength(500);
        builder.Property(a => a.Status).HasMaxLength(20);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(a => a.CommunityId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(a => a.UnitId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => a.CommunityId);
        builder.HasIndex(a => a.UnitId);
    }
}
