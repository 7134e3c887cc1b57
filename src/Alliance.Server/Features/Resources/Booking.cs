using System.Text.Json.Serialization;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Resources;

[JsonConverter(typeof(StronglyTypedIdJsonConverter<BookingId>))]
public readonly record struct BookingId(Guid Value) : IStronglyTypedId<BookingId>
{
    public static BookingId New() => new(Guid.CreateVersion7());

    public static BookingId From(Guid value) => new(value);

    public static bool TryParse(string? text, out BookingId id)
    {
        var ok = Guid.TryParse(text, out var value);
        id = new(value);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

[JsonConverter(typeof(JsonStringEnumConverter<BookingStatus>))]
public enum BookingStatus
{
    /// <summary>Waiting for the owner (or, after the deadline, the chair). Holds the slot of an exclusive resource.</summary>
    [JsonStringEnumMemberName("pending")] Pending,

    /// <summary>Approved (or auto-confirmed); holds the slot.</summary>
    [JsonStringEnumMemberName("confirmed")] Confirmed,

    /// <summary>The owner or chair declined; the slot is free.</summary>
    [JsonStringEnumMemberName("declined")] Declined,

    /// <summary>Cancelled by the requester, the owner, the emergency switch, or expired undecided; the slot is free.</summary>
    [JsonStringEnumMemberName("cancelled")] Cancelled,

    /// <summary>The slot has passed and both sides gave feedback (or their window closed): the use is counted.</summary>
    [JsonStringEnumMemberName("used")] Used,

    /// <summary>The slot passed but the owner reported it was not used; not counted.</summary>
    [JsonStringEnumMemberName("notUsed")] NotUsed,
}

/// <summary>A request to use a shared resource for a slot (workflow <c>resource-request</c>, item kind <c>resourceRequest</c>).</summary>
public sealed class Booking
{
    public BookingId Id { get; init; }

    public ResourceId ResourceId { get; init; }

    /// <summary>The organisation that asks (and uses it).</summary>
    public OrganisationId RequesterId { get; init; }

    public Guid? RequestedBy { get; init; }

    public DateTime StartUtc { get; init; }

    public DateTime EndUtc { get; init; }

    public required string Purpose { get; init; }

    public int HeadCount { get; init; }

    public BookingStatus Status { get; set; }

    /// <summary>The item that carries the request's route (approval, reminder, feedback); null only until the route has started.</summary>
    public ItemId? ItemId { get; set; }

    /// <summary>owner, chair or auto.</summary>
    public string? DecidedBy { get; set; }

    public DateTime? DecidedUtc { get; set; }

    public string? DecisionNote { get; set; }

    /// <summary>declined, requester, owner, emergency or expired.</summary>
    public string? CancelCause { get; set; }

    public string? CancelReason { get; set; }

    public DateTime? CancelledUtc { get; set; }

    public Guid? EmergencyId { get; set; }

    public string? OwnerFeedback { get; set; }

    public string? RequesterFeedback { get; set; }

    /// <summary>满意 / 基本满意 / 不满意, from the requester.</summary>
    public string? RequesterRating { get; set; }

    public DateTime? UsedUtc { get; set; }

    public DateTime CreatedUtc { get; init; }

    public int Revision { get; set; }

    public bool IsActive => Status is BookingStatus.Pending or BookingStatus.Confirmed;
}

/// <summary>
/// One grain (<see cref="Resource.SlotMinutes"/>) of an exclusive resource held by a pending or confirmed booking, or
/// by an emergency period. The primary key (resource, start) is the database's guarantee that no grain is held twice
/// (docs/adr/0004-no-double-booking-in-the-database.md). Rows are deleted when the holder lets go.
/// </summary>
public sealed class BookingSlot
{
    public ResourceId ResourceId { get; init; }

    public DateTime StartUtc { get; init; }

    public BookingId? BookingId { get; init; }

    public Guid? EmergencyId { get; init; }
}

/// <summary>平急转换: a period in which a venue is in emergency use and accepts no normal requests, until switched back.</summary>
public sealed class ResourceEmergency
{
    public Guid Id { get; init; }

    public ResourceId ResourceId { get; init; }

    public DateTime FromUtc { get; init; }

    public DateTime ToUtc { get; init; }

    public required string Reason { get; init; }

    public Guid? StartedBy { get; init; }

    public OrganisationId? StartedFor { get; init; }

    public DateTime StartedUtc { get; init; }

    public int CancelledBookings { get; init; }

    public DateTime? EndedUtc { get; set; }

    public Guid? EndedBy { get; set; }

    public bool IsActive => EndedUtc is null;
}

internal sealed class BookingConfiguration : IEntityTypeConfiguration<Booking>
{
    public void Configure(EntityTypeBuilder<Booking> builder)
    {
        builder.ToTable("bookings");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.ItemId).HasConversion<StronglyTypedIdValueConverter<ItemId>>();
        builder.Property(b => b.Status).HasMaxLength(20);
        builder.Property(b => b.Purpose).HasMaxLength(1000);
        builder.Property(b => b.DecidedBy).HasMaxLength(20);
        builder.Property(b => b.DecisionNote).HasMaxLength(1000);
        builder.Property(b => b.CancelCause).HasMaxLength(20);
        builder.Property(b => b.CancelReason).HasMaxLength(500);
        builder.Property(b => b.OwnerFeedback).HasMaxLength(1000);
        builder.Property(b => b.RequesterFeedback).HasMaxLength(1000);
        builder.Property(b => b.RequesterRating).HasMaxLength(30);
        builder.Property(b => b.Revision).IsConcurrencyToken();
        builder.HasOne<Resource>().WithMany().HasForeignKey(b => b.ResourceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(b => b.RequesterId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(b => new { b.ResourceId, b.StartUtc });
        builder.HasIndex(b => b.RequesterId);
        builder.HasIndex(b => b.ItemId).IsUnique();
        builder.Ignore(b => b.IsActive);
    }
}

internal sealed class BookingSlotConfiguration : IEntityTypeConfiguration<BookingSlot>
{
    public void Configure(EntityTypeBuilder<BookingSlot> builder)
    {
        builder.ToTable("booking_slots");
        builder.HasKey(s => new { s.ResourceId, s.StartUtc });
        builder.HasOne<Resource>().WithMany().HasForeignKey(s => s.ResourceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Booking>().WithMany().HasForeignKey(s => s.BookingId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => s.BookingId);
        builder.HasIndex(s => s.EmergencyId);
    }
}

internal sealed class ResourceEmergencyConfiguration : IEntityTypeConfiguration<ResourceEmergency>
{
    public void Configure(EntityTypeBuilder<ResourceEmergency> builder)
    {
        builder.ToTable("resource_emergencies");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Reason).HasMaxLength(500);
        builder.HasOne<Resource>().WithMany().HasForeignKey(e => e.ResourceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.ResourceId, e.FromUtc });
        builder.Ignore(e => e.IsActive);
    }
}
