using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Audit;

/// <summary>What one state-changing action did, for the audit trail.</summary>
/// <param name="Action">e.g. <c>organisation.updated</c>.</param>
/// <param name="EntityType">e.g. <c>organisation</c>.</param>
/// <param name="EntityId">The id of the changed thing.</param>
/// <param name="OnBehalfOf">The organisation the actor acted for.</param>
/// <param name="Before">A summary of the thing before (serialised to JSON); null when created.</param>
/// <param name="After">A summary of the thing after (serialised to JSON).</param>
public sealed record AuditRecord(string Action, string EntityType, string EntityId, OrganisationId? OnBehalfOf, object? Before, object? After);

/// <summary>
/// Saves a change together with its audit entry in one transaction. The entry is written unsealed, without a lock
/// and without reading the chain, so audited writes on any number of nodes do not wait for each other;
/// <see cref="AuditSealer"/> links it into the hash chain right after the commit (woken by it) or, after a crash, on
/// its poll. See docs/adr/0005-audit-entries-sealed-after-commit.md.
/// </summary>
public sealed class AuditTrail(AllianceDbContext db, AccessScope scope, TimeProvider time)
{
    internal static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string? Summarise(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), SummaryJson);

    /// <summary>
    /// Saves every tracked change and adds one (unsealed) entry describing it, atomically: inside a transaction the
    /// caller already opened (through the execution strategy) it joins that transaction; otherwise the single
    /// <c>SaveChanges</c> is its own transaction.
    /// </summary>
    public async Task<AuditEntry> SaveAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var correlation = Activity.Current?.TraceId.ToHexString() is { } trace && trace != default(ActivityTraceId).ToHexString()
            ? trace
            : Guid.NewGuid().ToString("N");
        var entry = new AuditEntry
        {
            At = AuditEntry.ToStoredPrecision(time.GetUtcNow()),
            ActorId = scope.UserId,
            ActorName = scope.UserName ?? "system",
            OnBehalfOfOrganisationId = record.OnBehalfOf?.Value,
            Action = record.Action,
            EntityType = record.EntityType,
            EntityId = record.EntityId,
            Before = Summarise(record.Before),
            After = Summarise(record.After),
            CorrelationId = correlation,
        };
        db.AuditEntries.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
        return entry;
    }
}

