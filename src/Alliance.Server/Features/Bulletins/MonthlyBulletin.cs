using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Bulletins;

/// <summary>
/// 逐月通报: one per street alliance (大党工委) and month, covering the street's alliance and its communities' alliances.
/// Generated as a draft on the first working day of the next month (<see cref="BulletinJob"/>); the street chair reviews
/// it, may regenerate it while it is a draft, and publishes it to the members. Published, it is fixed.
/// </summary>
public sealed class MonthlyBulletin
{
    public const string Draft = "draft";
    public const string Published = "published";

    public Guid Id { get; init; }

    /// <summary>The street alliance the bulletin belongs to (one per alliance and month: a unique index).</summary>
    public AllianceId AllianceId { get; init; }

    public OrganisationId StreetId { get; init; }

    /// <summary>The month reported on, yyyymm in China time.</summary>
    public int Month { get; init; }

    public required string Title { get; init; }

    public string Status { get; set; } = Draft;

    /// <summary>The <see cref="BulletinContent"/> as JSON, as generated.</summary>
    public required string ContentJson { get; set; }

    public DateTime GeneratedUtc { get; set; }

    /// <summary>How many times it was generated (1, then one more for each regeneration of the draft).</summary>
    public int Generation { get; set; } = 1;

    /// <summary>The street chair's review note (审核意见), published with it.</summary>
    public string? ReviewNote { get; set; }

    public DateTime? PublishedUtc { get; set; }

    public Guid? PublishedBy { get; set; }
}

/// <summary>What a bulletin says: the month's figures of the street, the ranking, and the work overdue when it was generated.</summary>
public sealed record BulletinContent(
    FiguresReport Figures, IReadOnlyList<RankedOrganisation> Ranking, IReadOnlyList<OverdueWork> Overdue, IReadOnlyList<string> Alliances, IReadOnlyList<AllianceId> AllianceIds);

/// <summary>One overdue task when the bulletin was generated: the item, the step, who holds it, its deadline, days overdue, 督办.</summary>
public sealed record OverdueWork(
    Guid ItemId, string Item, string Kind, string Submitter, string StepZh, string StepEn, string? Holder, DateTime DeadlineUtc, int DaysOverdue, bool Supervised);

internal sealed class MonthlyBulletinConfiguration : IEntityTypeConfiguration<MonthlyBulletin>
{
    public void Configure(EntityTypeBuilder<MonthlyBulletin> builder)
    {
        builder.ToTable("monthly_bulletins");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Title).HasMaxLength(200);
        builder.Property(b => b.Status).HasMaxLength(20).IsConcurrencyToken();
        builder.Property(b => b.ReviewNote).HasMaxLength(1000);
        builder.HasIndex(b => new { b.AllianceId, b.Month }).IsUnique();
        builder.HasIndex(b => new { b.StreetId, b.Month });
    }
}
