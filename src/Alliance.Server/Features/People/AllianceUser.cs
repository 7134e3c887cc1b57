using System.Text.Json.Serialization;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.People;

/// <summary>A person who can sign in. What they may do comes from their <see cref="RoleGrant"/>s, one per organisation and role.</summary>
public sealed class AllianceUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Created by the demo seed (only ever when <c>Alliance:DemoData=true</c>).</summary>
    public bool IsDemo { get; set; }
}

[JsonConverter(typeof(StronglyTypedIdJsonConverter<RoleGrantId>))]
public readonly record struct RoleGrantId(Guid Value) : IStronglyTypedId<RoleGrantId>
{
    public static RoleGrantId New() => new(Guid.CreateVersion7());

    public static RoleGrantId From(Guid value) => new(value);

    public static bool TryParse(string? text, out RoleGrantId id)
    {
        var ok = Guid.TryParse(text, out var value);
        id = new(value);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

/// <summary>The roles a person can hold, each for one organisation of the matching kind.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AllianceRole>))]
public enum AllianceRole
{
    /// <summary>区委组织部管理员 (district)</summary>
    DistrictAdmin,

    /// <summary>街道党工委书记 (street)</summary>
    StreetChair,

    /// <summary>街道工作人员 (street)</summary>
    StreetStaff,

    /// <summary>社区书记 (community)</summary>
    CommunitySecretary,

    /// <summary>社区工作人员 (community)</summary>
    CommunityStaff,

    /// <summary>共建单位联络员 (unit)</summary>
    UnitContact,

    /// <summary>共建单位党组织书记 (unit)</summary>
    UnitSecretary,

    /// <summary>兼职委员 (unit): represents the unit on an alliance.</summary>
    PartTimeMember,
}

public static class AllianceRoles
{
    public static IReadOnlyList<AllianceRole> All { get; } = Enum.GetValues<AllianceRole>();

    /// <summary>The kind of organisation a role is held for.</summary>
    public static OrganisationKind OrganisationKindOf(AllianceRole role) => role switch
    {
        AllianceRole.DistrictAdmin => OrganisationKind.District,
        AllianceRole.StreetChair or AllianceRole.StreetStaff => OrganisationKind.Street,
        AllianceRole.CommunitySecretary or AllianceRole.CommunityStaff => OrganisationKind.Community,
        _ => OrganisationKind.Unit,
    };
}

/// <summary>One role held by one person for one organisation. Revoking sets <see cref="RevokedAt"/>; the row stays.</summary>
public sealed class RoleGrant
{
    public RoleGrantId Id { get; init; }

    public Guid UserId { get; init; }

    public AllianceRole Role { get; init; }

    public OrganisationId OrganisationId { get; init; }

    public DateTimeOffset GrantedAt { get; init; }

    public Guid? GrantedBy { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }

    public Guid? RevokedBy { get; set; }
}

internal sealed class RoleGrantConfiguration : IEntityTypeConfiguration<RoleGrant>
{
    public void Configure(EntityTypeBuilder<RoleGrant> builder)
    {
        builder.ToTable("role_grants");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Role).HasMaxLength(30);
        builder.HasOne<AllianceUser>().WithMany().HasForeignKey(g => g.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(g => g.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(g => g.UserId);
        builder.HasIndex(g => g.OrganisationId);
    }
}

internal sealed class AllianceUserConfiguration : IEntityTypeConfiguration<AllianceUser>
{
    public void Configure(EntityTypeBuilder<AllianceUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(100);
    }
}
