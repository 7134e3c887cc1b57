using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Reports;

/// <summary>
/// One change of one figure: <see cref="Value"/> added to the figure <see cref="Metric"/> (with its <see cref="Dimension"/>,
/// e.g. the item kind) of <see cref="OrganisationId"/> in <see cref="AllianceId"/> for the month <see cref="Month"/>
/// (yyyymm, China Standard Time; each change has a second row for its whole year, yyyy00: <see cref="FigurePeriod"/>).
/// Written by <see cref="FigureInterceptor"/> in the same SaveChanges (so the same transaction) as the change of the
/// item, task, commitment, resource, booking or meeting it comes from; a figure is the sum of its rows. Rows are only
/// ever added; <see cref="FigureCompaction"/> folds many rows of a figure into one.
/// </summary>
public sealed class FigureDelta
{
    public long Id { get; init; }

    public AllianceId AllianceId { get; init; }

    /// <summary>Whose figure it is: the submitting community of an item, the unit holding a task, the owner of a resource, …</summary>
    public OrganisationId OrganisationId { get; init; }

    /// <summary>yyyymm in China Standard Time (e.g. 202612), or yyyy00 for the whole year (e.g. 202600).</summary>
    public int Month { get; init; }

    public required string Metric { get; init; }

    /// <summary>The breakdown within the metric (an item kind, an outcome, a resource category, a duration bucket); "" for none.</summary>
    public required string Dimension { get; init; }

    public long Value { get; init; }
}

internal sealed class FigureDeltaConfiguration : IEntityTypeConfiguration<FigureDelta>
{
    public void Configure(EntityTypeBuilder<FigureDelta> builder)
    {
        builder.ToTable("figure_deltas");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedOnAdd();
        builder.Property(d => d.Metric).HasMaxLength(40);
        builder.Property(d => d.Dimension).HasMaxLength(60);
        builder.HasIndex(d => new { d.AllianceId, d.Month });
        builder.HasIndex(d => new { d.OrganisationId, d.Month });
        // covering the reports of the whole district: a year's rows of every organisation in group order, and the trend
        builder.HasIndex(d => new { d.Month, d.OrganisationId, d.Metric, d.Dimension, d.Value });
        builder.HasIndex(d => new { d.Metric, d.Month, d.AllianceId, d.Value });
    }
}
