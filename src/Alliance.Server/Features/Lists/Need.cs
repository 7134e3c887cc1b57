using System.Text.Json.Serialization;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Lists;

[JsonConverter(typeof(StronglyTypedIdJsonConverter<NeedId>))]
public readonly record struct NeedId(Guid Value) : IStronglyTypedId<NeedId>
{
    public static NeedId New() => new(Guid.CreateVersion7());

    public static NeedId From(Guid value) => new(value);

    public static bool TryParse(string? text, out NeedId id)
    {
        var ok = Guid.TryParse(text, out var value);
        id = new(value);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

[JsonConverter(typeof(StronglyTypedIdJsonConverter<ProjectId>))]
public readonly record struct ProjectId(Guid Value) : IStronglyTypedId<ProjectId>
{
    public static ProjectId New() => new(Guid.CreateVersion7());

    public static ProjectId From(Guid value) => new(value);

    public static bool TryParse(string? text, out ProjectId id)
    {
        var ok = Guid.TryParse(text, out var value);
        id = new(value);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

/// <summary>
/// A need (需求清单) raised by a community from its residents: what is wanted (title, category, description), for how many
/// people and in which period. It is published to the community's alliance; projects (项目清单) serve it.
/// </summary>
public sealed class Need
{
    public const string OpenStatus = "open";

    /// <summary>At least one project serves it.</summary>
    public const string ServingStatus = "serving";

    public NeedId Id { get; init; }

    public OrganisationId CommunityId { get; init; }

    public OrganisationId StreetId { get; init; }

    /// <summary>The community's alliance: its members see the need, and its projects run there.</summary>
    public AllianceId AllianceId { get; init; }

    public required string Title { get; set; }

    /// <summary>A service category (养老, 医疗, 教育, 文体, 场地, ...), the vocabulary resources and units use.</summary>
    public required string Category { get; set; }

    public required string Description { get; set; }

    /// <summary>How many people it is for.</summary>
    public int HeadCount { get; set; }

    /// <summary>When it is wanted (UTC): the slot a resource must be available for.</summary>
    public DateTime WantedFromUtc { get; set; }

    public DateTime WantedToUtc { get; set; }

    public string Status { get; set; } = OpenStatus;

    public Guid? RaisedBy { get; init; }

    public DateTime CreatedUtc { get; init; }

    public DateTime UpdatedUtc { get; set; }

    public int Revision { get; set; }
}

/// <summary>
/// A project (项目清单): a need matched with one or more resources, carried out as a joint task (实事共办, the item
/// <see cref="ItemId"/>) by the providing unit.
/// </summary>
public sealed class Project
{
    public ProjectId Id { get; init; }

    public NeedId NeedId { get; init; }

    public ItemId ItemId { get; init; }

    public OrganisationId ProviderUnitId { get; init; }

    public required string Title { get; init; }

    public Guid? StartedBy { get; init; }

    public DateTime CreatedUtc { get; init; }
}

/// <summary>One resource a project uses.</summary>
public sealed class ProjectResource
{
    public ProjectId ProjectId { get; init; }

    public ResourceId ResourceId { get; init; }
}

internal sealed class NeedConfiguration : IEntityTypeConfiguration<Need>
{
    public void Configure(EntityTypeBuilder<Need> builder)
    {
        builder.ToTable("needs");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).HasConversion<StronglyTypedIdValueConverter<NeedId>>();
        builder.Property(n => n.Title).HasMaxLength(200);
        builder.Property(n => n.Category).HasMaxLength(50);
        builder.Property(n => n.Description).HasMaxLength(4000);
        builder.Property(n => n.Status).HasMaxLength(20);
        builder.Property(n => n.Revision).IsConcurrencyToken();
        builder.HasOne<Organisation>().WithMany().HasForeignKey(n => n.CommunityId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<PartyAlliance>().WithMany().HasForeignKey(n => n.AllianceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(n => new { n.AllianceId, n.Status });
        builder.HasIndex(n => n.CommunityId);
    }
}

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> builder)
    {
        builder.ToTable("projects");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).HasConversion<StronglyTypedIdValueConverter<ProjectId>>();
        builder.Property(p => p.NeedId).HasConversion<StronglyTypedIdValueConverter<NeedId>>();
        builder.Property(p => p.ItemId).HasConversion<StronglyTypedIdValueConverter<ItemId>>();
        builder.Property(p => p.Title).HasMaxLength(200);
        builder.HasOne<Need>().WithMany().HasForeignKey(p => p.NeedId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Item>().WithMany().HasForeignKey(p => p.ItemId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(p => p.ProviderUnitId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => p.NeedId);
        builder.HasIndex(p => p.ItemId).IsUnique();
    }
}

internal sealed class ProjectResourceConfiguration : IEntityTypeConfiguration<ProjectResource>
{
    public void Configure(EntityTypeBuilder<ProjectResource> builder)
    {
        builder.ToTable("project_resources");
        builder.HasKey(p => new { p.ProjectId, p.ResourceId });
        builder.Property(p => p.ProjectId).HasConversion<StronglyTypedIdValueConverter<ProjectId>>();
        builder.HasOne<Project>().WithMany().HasForeignKey(p => p.ProjectId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Resource>().WithMany().HasForeignKey(p => p.ResourceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => p.ResourceId);
    }
}
