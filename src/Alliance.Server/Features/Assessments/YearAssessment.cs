using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Assessments;

/// <summary>
/// 年度考核: one per street alliance (大党工委) and year, scoring the street's communities and the member units of its
/// alliances (<see cref="StreetCircle"/>) by the weights of the street alliance's rules. The street chair computes it (a
/// draft, computed again at will), publishes it (each organisation sees its own score and may object until
/// <see cref="ObjectionDeadlineUtc"/>), rules on every objection, and submits it; the district approves it, or returns it.
/// </summary>
public sealed class YearAssessment
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string Submitted = "submitted";
    public const string Approved = "approved";

    public Guid Id { get; init; }

    public AllianceId AllianceId { get; init; }

    public OrganisationId StreetId { get; init; }

    public int Year { get; init; }

    public required string Title { get; init; }

    /// <summary>Draft → published → submitted → approved (a return goes back to published). The concurrency token.</summary>
    public string Status { get; set; } = Draft;

    /// <summary>The <see cref="AssessmentContent"/> as JSON; scores change after publication only by a ruling's adjustment.</summary>
    public required string ContentJson { get; set; }

    public DateTime ComputedUtc { get; set; }

    public int Generation { get; set; } = 1;

    public DateTime? PublishedUtc { get; set; }

    public DateTime? ObjectionDeadlineUtc { get; set; }

    public DateTime? SubmittedUtc { get; set; }

    public DateTime? ApprovedUtc { get; set; }

    public Guid? ApprovedBy { get; set; }

    /// <summary>The district's note when it approved or returned the assessment.</summary>
    public string? DistrictNote { get; set; }
}

/// <summary>What an assessment holds: the weights used, the year's figures and report lines, and the scores.</summary>
public sealed record AssessmentContent(
    AssessmentWeights Weights, FiguresReport Figures, IReadOnlyList<OrganisationScore> Scores, IReadOnlyList<string> Alliances, IReadOnlyList<AllianceId> AllianceIds);

/// <summary>
/// 考核异议: a community or unit objects to its published score within the window (one objection each); the street chair
/// upholds it, with an adjustment of the total, or rejects it, with the reasons in words.
/// </summary>
public sealed class AssessmentObjection
{
    public const string Open = "open";
    public const string Upheld = "upheld";
    public const string Rejected = "rejected";

    /// <summary>An objection's status in words, for the page and the files.</summary>
    public static (string Zh, string En) StatusName(string status) => status switch
    {
        Upheld => ("已支持", "Upheld"),
        Rejected => ("未支持", "Rejected"),
        _ => ("待裁决", "Awaiting ruling"),
    };

    public Guid Id { get; init; }

    public Guid AssessmentId { get; init; }

    public OrganisationId OrganisationId { get; init; }

    /// <summary>The criterion objected to, or null for the score as a whole.</summary>
    public string? Criterion { get; init; }

    public required string Reason { get; init; }

    public Guid? RaisedBy { get; init; }

    public DateTime RaisedUtc { get; init; }

    /// <summary>Open → upheld or rejected. The concurrency token.</summary>
    public string Status { get; set; } = Open;

    public string? Ruling { get; set; }

    /// <summary>Points added to (or taken from) the computed total when upheld.</summary>
    public double Adjustment { get; set; }

    public Guid? RuledBy { get; set; }

    public DateTime? RuledUtc { get; set; }
}

internal sealed class YearAssessmentConfiguration : IEntityTypeConfiguration<YearAssessment>
{
    public void Configure(EntityTypeBuilder<YearAssessment> builder)
    {
        builder.ToTable("year_assessments");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Title).HasMaxLength(200);
        builder.Property(a => a.Status).HasMaxLength(20).IsConcurrencyToken();
        builder.Property(a => a.DistrictNote).HasMaxLength(1000);
        builder.HasIndex(a => new { a.AllianceId, a.Year }).IsUnique();
    }
}

internal sealed class AssessmentObjectionConfiguration : IEntityTypeConfiguration<AssessmentObjection>
{
    public void Configure(EntityTypeBuilder<AssessmentObjection> builder)
    {
        builder.ToTable("assessment_objections");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Criterion).HasMaxLength(40);
        builder.Property(o => o.Reason).HasMaxLength(1000);
        builder.Property(o => o.Ruling).HasMaxLength(1000);
        builder.Property(o => o.Status).HasMaxLength(20).IsConcurrencyToken();
        builder.HasOne<YearAssessment>().WithMany().HasForeignKey(o => o.AssessmentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(o => new { o.AssessmentId, o.OrganisationId }).IsUnique();
    }
}
