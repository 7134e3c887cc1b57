using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Audit;

/// <summary>
/// One entry of the append-only audit trail. The business transaction writes it <em>unsealed</em> (its content and
/// <see cref="Id"/>, the insertion order key); <see cref="AuditSealer"/> then links it into the chain:
/// <see cref="Sequence"/>, <see cref="PreviousHash"/> and <see cref="Hash"/>, SHA-256 over every other field
/// including the previous hash, so altering, removing or inserting a sealed row breaks the chain at that point.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>The hash the first entry points back to.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>Insertion order key, given by the database; not part of the hash (the chain order is <see cref="Sequence"/>).</summary>
    public long Id { get; init; }

    /// <summary>1, 2, 3, ... without gaps, in the order the sealer linked the entries; null until sealed.</summary>
    public long? Sequence { get; private set; }

    /// <summary>True once the sealer has linked the entry into the chain.</summary>
    public bool Sealed => Sequence is not null;

    public DateTimeOffset At { get; init; }

    /// <summary>The user who acted; null for the system itself (e.g. the demo seed).</summary>
    public Guid? ActorId { get; init; }

    public required string ActorName { get; init; }

    /// <summary>The organisation the actor acted for (the grant that allowed the action).</summary>
    public Guid? OnBehalfOfOrganisationId { get; init; }

    /// <summary>What happened, e.g. <c>organisation.updated</c>.</summary>
    public required string Action { get; init; }

    public required string EntityType { get; init; }

    public required string EntityId { get; init; }

    /// <summary>JSON summary of the entity before the action; null when it was created.</summary>
    public string? Before { get; init; }

    /// <summary>JSON summary of the entity after the action.</summary>
    public string? After { get; init; }

    /// <summary>The trace id of the request that caused the entry.</summary>
    public required string CorrelationId { get; init; }

    /// <summary>The hash of the entry before it in the chain (<see cref="GenesisHash"/> for the first); null until sealed.</summary>
    public string? PreviousHash { get; private set; }

    /// <summary>The entry's own hash; null until sealed.</summary>
    public string? Hash { get; private set; }

    /// <summary>Links the entry into the chain after <paramref name="previousHash"/> as number <paramref name="sequence"/>.</summary>
    public void Seal(long sequence, string previousHash)
    {
        if (Sealed)
        {
            throw new InvalidOperationException($"Audit entry {Id} is sealed already (sequence {Sequence}).");
        }

        Sequence = sequence;
        PreviousHash = previousHash;
        Hash = ComputeHash();
    }

    /// <summary>
    /// The hash of an entry's content. Each field is length-prefixed so that no shift of text between fields
    /// gives the same input. The time is taken at microsecond precision, which every provider stores exactly.
    /// </summary>
    public static string ComputeHash(
        long sequence, DateTimeOffset at, Guid? actorId, string actorName, Guid? onBehalfOf, string action,
        string entityType, string entityId, string? before, string? after, string correlationId, string previousHash)
    {
        var builder = new StringBuilder();
        void Field(string? value) => builder.Append(value is null ? "-1:" : $"{value.Length.ToString(CultureInfo.InvariantCulture)}:{value}").Append('|');
        Field(sequence.ToString(CultureInfo.InvariantCulture));
        Field(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        Field(actorId?.ToString());
        Field(actorName);
        Field(onBehalfOf?.ToString());
        Field(action);
        Field(entityType);
        Field(entityId);
        Field(before);
        Field(after);
        Field(correlationId);
        Field(previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    /// <summary>The hash the entry's stored fields give; only meaningful once sealed.</summary>
    public string ComputeHash() =>
        ComputeHash(Sequence ?? 0, At, ActorId, ActorName, OnBehalfOfOrganisationId, Action, EntityType, EntityId, Before, After, CorrelationId, PreviousHash ?? "");

    /// <summary>Cuts a time to whole microseconds (PostgreSQL's precision) so that it hashes the same after a round trip.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero);
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_entries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Ignore(e => e.Sealed);
        builder.Property(e => e.ActorName).HasMaxLength(200);
        builder.Property(e => e.Action).HasMaxLength(100);
        builder.Property(e => e.EntityType).HasMaxLength(100);
        builder.Property(e => e.EntityId).HasMaxLength(100);
        builder.Property(e => e.CorrelationId).HasMaxLength(100);
        builder.Property(e => e.PreviousHash).HasMaxLength(64);
        builder.Property(e => e.Hash).HasMaxLength(64);

        // Guards against a fork: one entry per position, and no two entries pointing back to the same predecessor.
        // Unsealed entries (null) do not collide. The index on Sequence also finds the unsealed (IS NULL) and the head.
        builder.HasIndex(e => e.Sequence).IsUnique();
        builder.HasIndex(e => e.PreviousHash).IsUnique();
    }
}
