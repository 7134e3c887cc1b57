using System.Text.Json.Serialization;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Organisations;

[JsonConverter(typeof(StronglyTypedIdJsonConverter<OrganisationId>))]
public readonly record struct OrganisationId(Guid Value) : IStronglyTypedId<OrganisationId>
{
    public static OrganisationId New() => new(Guid.CreateVersion7());

    public static OrganisationId From(Guid value) => new(value);

    public static bool TryParse(string? text, out OrganisationId id)
    {
        var ok = Guid.TryParse(text, out var value);
        id = new(value);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

/// <summary>The four levels of the region. Each level's parent is the level above; a unit's parent is the community it is located in.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrganisationKind>))]
public enum OrganisationKind
{
    /// <summary>区</summary>
    District,

    /// <summary>街道</summary>
    Street,

    /// <summary>社区</summary>
    Community,

    /// <summary>共建单位</summary>
    Unit,
}

/// <summary>The type of a co-building unit (共建单位).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UnitType>))]
public enum UnitType
{
    /// <summary>机关</summary>
    Agency,

    /// <summary>事业单位</summary>
    PublicInstitution,

    /// <summary>国有企业</summary>
    StateEnterprise,

    /// <summary>非公企业</summary>
    PrivateEnterprise,

    /// <summary>社会组织</summary>
    SocialOrganisation,

    /// <summary>学校</summary>
    School,
}

/// <summary>Organisations are never deleted; one that leaves is withdrawn.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrganisationStatus>))]
public enum OrganisationStatus
{
    Active,
    Withdrawn,
}

public sealed class Organisation
{
    public static readonly IReadOnlyList<string> KnownServiceCategories = ["养老", "医疗", "教育", "文体", "环境", "法律", "安全", "场地"];

    public OrganisationId Id { get; init; }

    public OrganisationKind Kind { get; init; }

    public required string Name { get; set; }

    /// <summary>District: none. Street: the district. Community: its street. Unit: the community it is located in.</summary>
    public OrganisationId? ParentId { get; init; }

    /// <summary>The street of an alliance host: a street itself, a community its parent street.</summary>
    public OrganisationId StreetOfHost() => Kind == OrganisationKind.Street ? Id : ParentId ?? Id;

    /// <summary>Only for units.</summary>
    public UnitType? UnitType { get; set; }

    /// <summary>What a unit can offer (养老, 医疗, 教育, ...); empty for the other kinds.</summary>
    public List<string> ServiceCategories { get; set; } = [];

    public string? Address { get; set; }

    public OrganisationStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? WithdrawnAt { get; set; }

    /// <summary>The kind an organisation directly under one of <paramref name="kind"/> must have.</summary>
    public static OrganisationKind? ChildKindOf(OrganisationKind kind) => kind switch
    {
        OrganisationKind.District => OrganisationKind.Street,
        OrganisationKind.Street => OrganisationKind.Community,
        OrganisationKind.Community => OrganisationKind.Unit,
        _ => null,
    };
}

internal sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> builder)
    {
        builder.ToTable("organisations");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.Address).HasMaxLength(300);
        builder.Property(o => o.Kind).HasMaxLength(20);
        builder.Property(o => o.UnitType).HasMaxLength(30);
        builder.Property(o => o.Status).HasMaxLength(20);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(o => o.ParentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(o => o.ParentId);
    }
}
