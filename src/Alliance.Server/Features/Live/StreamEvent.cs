using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Live;

/// <summary>
/// One event of a live stream, kept for replay after a reconnect (<see cref="Infrastructure.AllianceOptions.LiveRetention"/>).
/// The key is (stream, sequence); (stream, source event, kind) is unique, so a duplicated bus message cannot append twice
/// (one bus event may put events of different kinds on one stream, e.g. an urgent item's ItemChanged and UrgentRaised).
/// </summary>
public sealed class StreamEvent
{
    public required string Stream { get; init; }

    public long Sequence { get; init; }

    /// <summary>The client method that carried it: <c>ItemChanged</c>, <c>TaskAssigned</c>, ...</summary>
    public required string Kind { get; init; }

    /// <summary>The event exactly as pushed (JSON, camelCase), including stream and sequence.</summary>
    public required string Data { get; init; }

    /// <summary>The bus event it came from: the idempotency key.</summary>
    public Guid SourceEventId { get; init; }

    public DateTimeOffset At { get; init; }

    public DateTime AppendedAtUtc { get; init; }
}

/// <summary>The last sequence number handed out per stream (kept when old events are pruned, so numbering never restarts).</summary>
public sealed class StreamHead
{
    public required string Stream { get; init; }

    public long LastSequence { get; set; }
}

internal sealed class StreamEventConfiguration : IEntityTypeConfiguration<StreamEvent>
{
    public void Configure(EntityTypeBuilder<StreamEvent> builder)
    {
        builder.ToTable("stream_events");
        builder.HasKey(e => new { e.Stream, e.Sequence });
        builder.Property(e => e.Stream).HasColumnName("stream").HasMaxLength(80);
        builder.Property(e => e.Sequence).HasColumnName("sequence");
        builder.Property(e => e.Kind).HasColumnName("kind").HasMaxLength(40);
        builder.Property(e => e.Data).HasColumnName("data");
        builder.Property(e => e.SourceEventId).HasColumnName("source_event_id");
        builder.Property(e => e.At).HasColumnName("at");
        builder.Property(e => e.AppendedAtUtc).HasColumnName("appended_at_utc");
        builder.HasIndex(e => new { e.Stream, e.SourceEventId, e.Kind }).IsUnique();
        builder.HasIndex(e => e.AppendedAtUtc);
    }
}

internal sealed class StreamHeadConfiguration : IEntityTypeConfiguration<StreamHead>
{
    public void Configure(EntityTypeBuilder<StreamHead> builder)
    {
        builder.ToTable("stream_heads");
        builder.HasKey(h => h.Stream);
        builder.Property(h => h.Stream).HasColumnName("stream").HasMaxLength(80);
        builder.Property(h => h.LastSequence).HasColumnName("last_sequence");
    }
}
