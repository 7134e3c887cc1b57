using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Ledger;

/// <summary>
/// One person's .xlsx export of a ledger, written in the background (<see cref="LedgerExportRunner"/>): queued, running
/// (claimed by one node under <see cref="ClaimToken"/> with a lease it renews with each progress), ready (the file is in
/// <see cref="LedgerExportFile"/>) or failed. Only the person who asked sees it.
/// </summary>
public sealed class LedgerExport
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Ready = "ready";
    public const string Failed = "failed";

    public Guid Id { get; init; }

    public Guid UserId { get; init; }

    public required string Section { get; init; }

    /// <summary>The <see cref="LedgerFilter"/> as JSON, as it was asked for.</summary>
    public required string FilterJson { get; init; }

    public string Status { get; set; } = Queued;

    public long Rows { get; set; }

    public long Total { get; set; }

    public string? FileName { get; set; }

    public long? Bytes { get; set; }

    public string? Error { get; set; }

    public Guid? ClaimToken { get; set; }

    public DateTime? LeaseUntilUtc { get; set; }

    public DateTime CreatedUtc { get; init; }

    public DateTime? StartedUtc { get; set; }

    public DateTime? FinishedUtc { get; set; }
}

/// <summary>The finished file of an export, apart from its row so that listing exports never reads files.</summary>
public sealed class LedgerExportFile
{
    public Guid ExportId { get; init; }

    public required byte[] Content { get; init; }
}

internal sealed class LedgerExportConfiguration : IEntityTypeConfiguration<LedgerExport>
{
    public void Configure(EntityTypeBuilder<LedgerExport> builder)
    {
        builder.ToTable("ledger_exports");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Section).HasMaxLength(20);
        builder.Property(e => e.FilterJson).HasMaxLength(2000);
        builder.Property(e => e.Status).HasMaxLength(20);
        builder.Property(e => e.FileName).HasMaxLength(200);
        builder.Property(e => e.Error).HasMaxLength(1000);
        builder.Property(e => e.ClaimToken).IsConcurrencyToken();
        builder.HasIndex(e => new { e.UserId, e.CreatedUtc });
    }
}

internal sealed class LedgerExportFileConfiguration : IEntityTypeConfiguration<LedgerExportFile>
{
    public void Configure(EntityTypeBuilder<LedgerExportFile> builder)
    {
        builder.ToTable("ledger_export_files");
        builder.HasKey(f => f.ExportId);
        builder.HasOne<LedgerExport>().WithOne().HasForeignKey<LedgerExportFile>(f => f.ExportId).OnDelete(DeleteBehavior.Restrict);
    }
}
