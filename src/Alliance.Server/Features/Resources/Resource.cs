using System.Text.Json.Serialization;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Resources;

[JsonConverter(typeof(StronglyTypedIdJsonConverter<ResourceId>))]
public readonly record struct ResourceId(Guid Value) : IStronglyTypedId<ResourceId>
{
    public static ResourceId New() => new(Guid.CreateVersion7());

    public static ResourceId From(Guid value) => new(value);

    public static bool TryParse(string? text, out ResourceId id)
    {
        var ok = Guid.TryParse(text, out var value);
        id = new(value);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

/// <summary>What is shared (资源类型).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResourceKind>))]
public enum ResourceKind
{
    /// <summary>场地 (activity room, hall, 党建共享之家, 开放式组织生活基地; see <see cref="VenueType"/>).</summary>
    [JsonStringEnumMemberName("venue")] Venue,

    /// <summary>物资</summary>
    [JsonStringEnumMemberName("material")] Material,

    /// <summary>设备</summary>
    [JsonStringEnumMemberName("equipment")] Equipment,

    /// <summary>人才 / 专业服务</summary>
    [JsonStringEnumMemberName("expertise")] Expertise,

    /// <summary>健康医疗</summary>
    [JsonStringEnumMemberName("healthService")] HealthService,

    /// <summary>资金</summary>
    [JsonStringEnumMemberName("fund")] Fund,
}

/// <summary>The kind of a venue.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VenueType>))]
public enum VenueType
{
    /// <summary>活动室</summary>
    [JsonStringEnumMemberName("activityRoom")] ActivityRoom,

    /// <summary>礼堂 / 会议厅</summary>
    [JsonStringEnumMemberName("hall")] Hall,

    /// <summary>党建共享之家</summary>
    [JsonStringEnumMemberName("sharedPartyHome")] SharedPartyHome,

    /// <summary>开放式组织生活基地</summary>
    [JsonStringEnumMemberName("openOrganisationalLifeBase")] OpenOrganisationalLifeBase,

    /// <summary>其他场地</summary>
    [JsonStringEnumMemberName("other")] Other,
}

/// <summary>A resource is never deleted; one no longer shared is withdrawn (it leaves the catalogue, its bookings stay).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResourceStatus>))]
public enum ResourceStatus
{
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("withdrawn")] Withdrawn,
}

/// <summary>
/// A shared venue or resource (资源清单) registered by its owner (a co-building unit or a community) and shared
/// through one alliance: the alliance's members find it in the catalogue, its rules of procedure (approval deadline,
/// reminders, cancellation cut-off, time zone of the opening hours) govern its bookings, and its chair decides a
/// request the owner leaves unanswered.
/// </summary>
public sealed class Resource
{
    public ResourceId Id { get; init; }

    /// <summary>The unit or community that shares it (and approves its bookings).</summary>
    public OrganisationId OwnerId { get; init; }

    /// <summary>The alliance it is shared through: the owner hosts it or is an active member of it.</summary>
    public AllianceId AllianceId { get; set; }

    /// <summary>The street the owner is in (catalogue filter, figures per street).</summary>
    public OrganisationId StreetId { get; init; }

    public ResourceKind Kind { get; set; }

    /// <summary>Only for venues.</summary>
    public VenueType? VenueType { get; set; }

    public required string Name { get; set; }

    public required string Description { get; set; }

    /// <summary>Service categories (养老, 医疗, 教育, 文体, 场地, ...), the vocabulary joint tasks and units use.</summary>
    public List<string> Categories { get; set; } = [];

    /// <summary>People a venue holds, or the quantity one request may take; a request's head count may not exceed it.</summary>
    public int Capacity { get; set; }

    /// <summary>One booking at a time (a room); otherwise bookings may overlap (a lecture series, a fund).</summary>
    public bool Exclusive { get; set; }

    /// <summary>The owner approves each request (workflow <c>resource-request</c>); otherwise a request that passes every check is confirmed at once.</summary>
    public bool RequiresApproval { get; set; } = true;

    /// <summary>Bookable slots start and end on multiples of this many minutes (local time); it is also the grain of the no-double-booking guard (docs/adr/0004).</summary>
    public int SlotMinutes { get; set; } = 30;

    /// <summary>Weekly opening hours, in the alliance's time zone.</summary>
    public List<OpeningPeriod> OpeningHours { get; set; } = [];

    /// <summary>Closed dates and special hours that replace the weekly hours on their date.</summary>
    public List<SpecialDate> Exceptions { get; set; } = [];

    /// <summary>Groups it suits (老年人, 青少年, 党员, ...).</summary>
    public List<string> SuitableGroups { get; set; } = [];

    public required string Address { get; set; }

    /// <summary>Who to call about it (name and phone), if the owner publishes one.</summary>
    public string? Contact { get; set; }

    public ResourceStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency: an edit, an emergency switch and a booking never overwrite each other's view of the resource.</summary>
    public int Revision { get; set; }
}

/// <summary>One weekly opening period, e.g. Monday 09:00–17:00 (local time; <see cref="To"/> after <see cref="From"/>).</summary>
public sealed record OpeningPeriod(DayOfWeek Day, TimeOnly From, TimeOnly To);

/// <summary>A date on which the weekly hours do not apply: closed all day (no periods), or open only in <see cref="Periods"/>.</summary>
public sealed record SpecialDate(DateOnly Date, bool Closed, IReadOnlyList<SpecialHours>? Periods, string? Note);

/// <summary>Special opening hours on an exception date.</summary>
public sealed record SpecialHours(TimeOnly From, TimeOnly To);

internal sealed class ResourceConfiguration : IEntityTypeConfiguration<Resource>
{
    public void Configure(EntityTypeBuilder<Resource> builder)
    {
        builder.ToTable("resources");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Kind).HasMaxLength(20);
        builder.Property(r => r.VenueType).HasMaxLength(40);
        builder.Property(r => r.Status).HasMaxLength(20);
        builder.Property(r => r.Name).HasMaxLength(200);
        builder.Property(r => r.Description).HasMaxLength(4000);
        builder.Property(r => r.Address).HasMaxLength(300);
        builder.Property(r => r.Contact).HasMaxLength(200);
        builder.Property(r => r.OpeningHours).HasConversion(new JsonListConverter<OpeningPeriod>(), JsonListComparer.For<OpeningPeriod>());
        builder.Property(r => r.Exceptions).HasConversion(new JsonListConverter<SpecialDate>(), JsonListComparer.For<SpecialDate>());
        builder.Property(r => r.Revision).IsConcurrencyToken();
        builder.HasOne<Organisation>().WithMany().HasForeignKey(r => r.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<PartyAlliance>().WithMany().HasForeignKey(r => r.AllianceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.OwnerId);
        builder.HasIndex(r => new { r.AllianceId, r.Status });
        builder.HasIndex(r => new { r.StreetId, r.Status });
    }
}
