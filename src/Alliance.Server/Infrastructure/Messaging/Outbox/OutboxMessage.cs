using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Infrastructure.Messaging.Outbox;

/// <summary>
/// A row of the host outbox: an integration event written in the same transaction as the state change it
/// describes, published on the bus after commit by <see cref="HostOutboxDispatcher"/>.
/// </summary>
public sealed class OutboxMessage : IOutboxRow
{
    /// <summary>The event's <c>EventId</c>; also the bus message id, on which receivers de-duplicate.</summary>
    public Guid Id { get; init; }

    /// <summary>Full name of the contract type in <c>Alliance.Contracts</c>.</summary>
    public required string Type { get; init; }

    public required string PayloadJson { get; init; }

    public DateTime CreatedUtc { get; init; }

    /// <summary>Insertion order, so events go out in the order they were written.</summary>
    public long Position { get; init; }

    public DateTime? DispatchedUtc { get; set; }
}

/// <summary>Marks entities that are outbox rows: adding one wakes the dispatchers after commit.</summary>
public interface IOutboxRow;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Type).HasMaxLength(200);
        builder.HasIndex(m => new { m.DispatchedUtc, m.CreatedUtc, m.Position });
    }
}
