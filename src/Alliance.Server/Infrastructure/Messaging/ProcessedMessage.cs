using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Infrastructure.Messaging;

/// <summary>
/// The consumer inbox: one row per (consumer, message id) that has taken effect. A redelivered or
/// duplicated message finds its row and does nothing.
/// </summary>
public sealed class ProcessedMessage
{
    public required string Consumer { get; init; }

    public required Guid MessageId { get; init; }

    public DateTime ProcessedAtUtc { get; init; }
}

internal sealed class ProcessedMessageConfiguration : IEntityTypeConfiguration<ProcessedMessage>
{
    public void Configure(EntityTypeBuilder<ProcessedMessage> builder)
    {
        builder.ToTable("processed_messages");
        builder.HasKey(m => new { m.Consumer, m.MessageId });
        builder.Property(m => m.Consumer).HasMaxLength(200);
    }
}
