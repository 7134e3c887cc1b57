using System.Text.Json.Serialization;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Commitments;

[JsonConverter(typeof(StronglyTypedIdJsonConverter<CommitmentId>))]
public readonly record struct CommitmentId(Guid Value) : IStronglyTypedId<CommitmentId>
{
    public static CommitmentId New() => new(Guid.CreateVersion7());

    public static CommitmentId From(Guid value) => new(value);

    public static bool TryParse(string? text, out CommitmentId id)
    {
        var ok = Guid.TryParse(text, out var value);
        id = new(value);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

/// <summary>
/// A co-building unit's commitment (共驻共建承诺事项) to its alliance for one year: a measurable target (e.g. 24 次 hall
/// openings), a schedule and a responsible person. A draft belongs to the unit alone; submitting it starts the
/// <c>commitment</c> route as an item (<see cref="ItemId"/>), whose status this record follows
/// (<see cref="CommitmentProjection"/>): submitted → returned / confirmed (published, 公示) → assessing → fulfilled,
/// partly-fulfilled or not-fulfilled.
/// </summary>
public sealed class Commitment
{
    public const string DraftStatus = "draft";

    /// <summary>Statuses in which the commitment is published to every member of the alliance.</summary>
    public static readonly IReadOnlyList<string> PublishedStatuses = ["confirmed", "assessing", "fulfilled", "partly-fulfilled", "not-fulfilled"];

    /// <summary>The year-end outcomes, as the route's statuses.</summary>
    public static readonly IReadOnlyList<string> AssessedStatuses = ["fulfilled", "partly-fulfilled", "not-fulfilled"];

    public CommitmentId Id { get; init; }

    public AllianceId AllianceId { get; init; }

    /// <summary>The co-building unit that commits.</summary>
    public OrganisationId UnitId { get; init; }

    public int Year { get; init; }

    public required string Title { get; set; }

    public required string Category { get; set; }

    public string? Description { get; set; }

    /// <summary>The measurable target: how many (e.g. 24) ...</summary>
    public decimal TargetQuantity { get; set; }

    /// <summary>... of what (e.g. 次, 场, 人次).</summary>
    public required string TargetUnit { get; set; }

    /// <summary>When the unit will do it (e.g. 每月第一、三周周六上午).</summary>
    public required string Schedule { get; set; }

    /// <summary>The one person answerable for it (三单制: one responsible person).</summary>
    public required string ResponsiblePerson { get; set; }

    public string? ResponsiblePhone { get; set; }

    /// <summary><see cref="DraftStatus"/> until submitted, then the route's business status.</summary>
    public string Status { get; set; } = DraftStatus;

    /// <summary>The item running the commitment's route, once submitted.</summary>
    public ItemId? ItemId { get; set; }

    /// <summary>The reason of the last return (退回理由).</summary>
    public string? ReturnReason { get; set; }

    public DateTime? ConfirmedUtc { get; set; }

    public string? ConfirmedBy { get; set; }

    /// <summary>The sum of the quantities reported so far.</summary>
    public decimal DoneQuantity { get; set; }

    /// <summary>fulfilled, partlyFulfilled or notFulfilled (the assessment task's outcome).</summary>
    public string? Assessment { get; set; }

    public string? AssessmentEvidence { get; set; }

    public string? AssessmentOpinion { get; set; }

    public string? AssessedBy { get; set; }

    public DateTime? AssessedUtc { get; set; }

    public Guid? CreatedBy { get; init; }

    public DateTime CreatedUtc { get; init; }

    public DateTime UpdatedUtc { get; set; }

    /// <summary>Optimistic concurrency: an edit and the route's projection never overwrite each other.</summary>
    public int Revision { get; set; }

    public bool IsPublished => PublishedStatuses.Contains(Status);

    /// <summary>Progress against the target in percent (0-100, one decimal).</summary>
    public decimal ProgressPercent => TargetQuantity <= 0 ? 0 : Math.Min(100m, Math.Round(DoneQuantity * 100m / TargetQuantity, 1));
}

/// <summary>
/// One reporting period of a confirmed commitment: opened by the route's schedule, with its report (or the fact that
/// it went missing, and a late report if one came).
/// </summary>
public sealed class CommitmentPeriod
{
    public Guid Id { get; init; }

    public CommitmentId CommitmentId { get; init; }

    /// <summary>1, 2, 3, ... within the commitment's year.</summary>
    public int Number { get; init; }

    public DateTime FromUtc { get; init; }

    public DateTime ToUtc { get; init; }

    /// <summary>The report task of the period (its deadline is when the report is due).</summary>
    public Guid? ReportTaskId { get; set; }

    public DateTime? DueUtc { get; set; }

    /// <summary>The report was not handed in by its deadline.</summary>
    public DateTime? MissedUtc { get; set; }

    public decimal? Quantity { get; set; }

    public string? Note { get; set; }

    public string? Evidence { get; set; }

    public string? ReportedBy { get; set; }

    public DateTime? ReportedUtc { get; set; }

    public bool Late { get; set; }

    public string State => ReportedUtc is not null ? (Late ? "reportedLate" : "reported") : MissedUtc is not null ? "missing" : "open";
}

internal sealed class CommitmentConfiguration : IEntityTypeConfiguration<Commitment>
{
    public void Configure(EntityTypeBuilder<Commitment> builder)
    {
        builder.ToTable("commitments");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasConversion<StronglyTypedIdValueConverter<CommitmentId>>();
        builder.Property(c => c.ItemId).HasConversion<StronglyTypedIdValueConverter<ItemId>>();
        builder.Property(c => c.Title).HasMaxLength(200);
        builder.Property(c => c.Category).HasMaxLength(50);
        builder.Property(c => c.Description).HasMaxLength(4000);
        builder.Property(c => c.TargetQuantity).HasPrecision(18, 2);
        builder.Property(c => c.DoneQuantity).HasPrecision(18, 2);
        builder.Property(c => c.TargetUnit).HasMaxLength(20);
        builder.Property(c => c.Schedule).HasMaxLength(500);
        builder.Property(c => c.ResponsiblePerson).HasMaxLength(50);
        builder.Property(c => c.ResponsiblePhone).HasMaxLength(30);
        builder.Property(c => c.Status).HasMaxLength(50);
        builder.Property(c => c.ReturnReason).HasMaxLength(2000);
        builder.Property(c => c.Assessment).HasMaxLength(30);
        builder.Property(c => c.AssessmentEvidence).HasMaxLength(2000);
        builder.Property(c => c.AssessmentOpinion).HasMaxLength(2000);
        builder.Property(c => c.Revision).IsConcurrencyToken();
        builder.HasOne<PartyAlliance>().WithMany().HasForeignKey(c => c.AllianceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(c => c.UnitId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Item>().WithMany().HasForeignKey(c => c.ItemId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => c.ItemId).IsUnique();
        builder.HasIndex(c => new { c.AllianceId, c.Year });
        builder.HasIndex(c => c.UnitId);
        builder.Ignore(c => c.IsPublished);
        builder.Ignore(c => c.ProgressPercent);
    }
}

internal sealed class CommitmentPeriodConfiguration : IEntityTypeConfiguration<CommitmentPeriod>
{
    public void Configure(EntityTypeBuilder<CommitmentPeriod> builder)
    {
        builder.ToTable("commitment_periods");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.CommitmentId).HasConversion<StronglyTypedIdValueConverter<CommitmentId>>();
        builder.Property(p => p.Quantity).HasPrecision(18, 2);
        builder.Property(p => p.Note).HasMaxLength(2000);
        builder.Property(p => p.Evidence).HasMaxLength(2000);
        builder.HasOne<Commitment>().WithMany().HasForeignKey(p => p.CommitmentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.CommitmentId, p.Number }).IsUnique();
        builder.Ignore(p => p.State);
    }
}
