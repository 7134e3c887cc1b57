using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Workflows.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Alliance.Workflows.Persistence.Ef;

/// <summary>
/// The runtime's EF Core model, added to the host's DbContext by <c>modelBuilder.ApplyWorkflowModel()</c>.
/// Provider-neutral (SQLite and PostgreSQL): times are UTC <see cref="DateTime"/>, JSON is text, the concurrency
/// token is the int <see cref="WorkflowInstance.Version"/>. Tables (prefix "wf_"): instances, bookmarks (timers are
/// bookmarks with kind Timer and a due time; human tasks are bookmarks with kind HumanTask), journal, incidents,
/// outbox, inbox, pending_stimuli (dead letters have dead_lettered_utc set).
/// </summary>
public static class WorkflowModelBuilderExtensions
{
    public static ModelBuilder ApplyWorkflowModel(this ModelBuilder modelBuilder, string tablePrefix = "wf_")
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<WorkflowInstance>(e =>
        {
            e.ToTable(tablePrefix + "instances");
            e.HasKey(i => i.Id);
            e.Property(i => i.Id).HasConversion(Converters.Instance);
            e.Property(i => i.ParentInstanceId).HasConversion(Converters.NullableInstance);
            e.Property(i => i.DefinitionId).HasMaxLength(200);
            e.Property(i => i.BusinessStatus).HasMaxLength(200);
            e.Property(i => i.CorrelationKey).HasMaxLength(400);
            e.Property(i => i.Variables).HasConversion(Converters.Object, Comparers.Json<JsonObject>());
            e.Property(i => i.State).HasConversion(Converters.Json<InstanceState>(), Comparers.Json<InstanceState>());
            e.Property(i => i.Version).IsConcurrencyToken();
            Utc(e.Property(i => i.CreatedUtc));
            Utc(e.Property(i => i.UpdatedUtc));
            Utc(e.Property(i => i.FinishedUtc));
            e.Ignore(i => i.DefinitionKey);
            e.Ignore(i => i.IsClosed);
            e.HasIndex(i => new { i.DefinitionId, i.Status });
            e.HasIndex(i => i.ParentInstanceId);
        });
        modelBuilder.Entity<Bookmark>(e =>
        {
            e.ToTable(tablePrefix + "bookmarks");
            e.HasKey(b => b.Id);
            e.Property(b => b.Id).HasConversion(Converters.Bookmark);
            e.Property(b => b.InstanceId).HasConversion(Converters.Instance);
            e.Property(b => b.RelatedBookmarkId).HasConversion(Converters.NullableBookmark);
            e.Property(b => b.ActivityId).HasMaxLength(200);
            e.Property(b => b.StimulusType).HasMaxLength(200);
            e.Property(b => b.CorrelationKey).HasMaxLength(400);
            e.Property(b => b.CandidateRole).HasMaxLength(200);
            e.Property(b => b.CandidateOrganisation).HasMaxLength(200);
            e.Property(b => b.ClaimedBy).HasMaxLength(200);
            e.Property(b => b.DelegatedTo).HasMaxLength(200);
            e.Property(b => b.AllowedOutcomes).HasConversion(Converters.Json<IReadOnlyList<string>>(), Comparers.Json<IReadOnlyList<string>>());
            e.Property(b => b.Fields).HasConversion(Converters.Json<IReadOnlyList<FormField>>(), Comparers.Json<IReadOnlyList<FormField>>());
            e.Property(b => b.EligibleVoters).HasConversion(Converters.Json<IReadOnlyList<string>>(), Comparers.Json<IReadOnlyList<string>>());
            e.Property(b => b.Ballots).HasConversion(Converters.Json<IReadOnlyList<Ballot>>(), Comparers.Json<IReadOnlyList<Ballot>>());
            Utc(e.Property(b => b.CreatedUtc));
            Utc(e.Property(b => b.DueUtc));
            Utc(e.Property(b => b.DeadlineUtc));
            e.HasIndex(b => b.InstanceId);
            e.HasIndex(b => new { b.StimulusType, b.CorrelationKey });
            e.HasIndex(b => new { b.Kind, b.DueUtc });
            e.HasIndex(b => new { b.Kind, b.CandidateRole, b.CandidateOrganisation });
        });
        modelBuilder.Entity<JournalEntry>(e =>
        {
            e.ToTable(tablePrefix + "journal");
            e.HasKey(j => j.Id);
            e.Property(j => j.InstanceId).HasConversion(Converters.Instance);
            e.Property(j => j.ActivityId).HasMaxLength(200);
            e.Property(j => j.ActivityType).HasMaxLength(100);
            e.Property(j => j.Actor).HasMaxLength(200);
            e.Property(j => j.Outcome).HasMaxLength(400);
            Utc(e.Property(j => j.AtUtc));
            e.HasIndex(j => new { j.InstanceId, j.Sequence });
        });
        modelBuilder.Entity<Incident>(e =>
        {
            e.ToTable(tablePrefix + "incidents");
            e.HasKey(i => i.Id);
            e.Property(i => i.InstanceId).HasConversion(Converters.Instance);
            e.Property(i => i.ActivityId).HasMaxLength(200);
            Utc(e.Property(i => i.AtUtc));
            Utc(e.Property(i => i.RetryAtUtc));
            Utc(e.Property(i => i.ResolvedUtc));
            e.HasIndex(i => i.InstanceId);
        });
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable(tablePrefix + "outbox");
            e.HasKey(o => o.Id);
            e.Property(o => o.InstanceId).HasConversion(Converters.Instance);
            e.Property(o => o.MessageType).HasMaxLength(200);
            Utc(e.Property(o => o.CreatedUtc));
            Utc(e.Property(o => o.DispatchedUtc));
            e.HasIndex(o => new { o.DispatchedUtc, o.CreatedUtc });
        });
        modelBuilder.Entity<ProcessedStimulus>(e =>
        {
            e.ToTable(tablePrefix + "inbox");
            e.HasKey(p => new { p.StimulusId, p.InstanceId });
            e.Property(p => p.StimulusId).HasMaxLength(200);
            e.Property(p => p.InstanceId).HasConversion(Converters.Instance);
            Utc(e.Property(p => p.ProcessedUtc));
        });
        modelBuilder.Entity<PendingStimulus>(e =>
        {
            e.ToTable(tablePrefix + "pending_stimuli");
            e.HasKey(p => p.StimulusId);
            e.Property(p => p.StimulusId).HasMaxLength(200);
            e.Property(p => p.StimulusType).HasMaxLength(200);
            e.Property(p => p.CorrelationKey).HasMaxLength(400);
            Utc(e.Property(p => p.ReceivedUtc));
            Utc(e.Property(p => p.ExpiresUtc));
            Utc(e.Property(p => p.DeadLetteredUtc));
            e.HasIndex(p => new { p.StimulusType, p.CorrelationKey });
            e.HasIndex(p => new { p.DeadLetteredUtc, p.ExpiresUtc });
        });
        return modelBuilder;
    }

    private static void Utc(PropertyBuilder<DateTime> property) => property.HasConversion(Converters.Utc);

    private static void Utc(PropertyBuilder<DateTime?> property) => property.HasConversion(Converters.NullableUtc);

    private static class Converters
    {
        public static readonly ValueConverter<InstanceId, Guid> Instance = new(v => v.Value, v => new InstanceId(v));
        public static readonly ValueConverter<InstanceId?, Guid?> NullableInstance = new(v => v.HasValue ? v.Value.Value : null, v => v.HasValue ? new InstanceId(v.Value) : null);
        public static readonly ValueConverter<BookmarkId, Guid> Bookmark = new(v => v.Value, v => new BookmarkId(v));
        public static readonly ValueConverter<BookmarkId?, Guid?> NullableBookmark = new(v => v.HasValue ? v.Value.Value : null, v => v.HasValue ? new BookmarkId(v.Value) : null);
        public static readonly ValueConverter<DateTime, DateTime> Utc = new(v => DateTime.SpecifyKind(v, DateTimeKind.Utc), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        public static readonly ValueConverter<DateTime?, DateTime?> NullableUtc = new(v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : null, v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : null);
        public static readonly ValueConverter<JsonObject, string> Object = new(v => v.ToJsonString((JsonSerializerOptions?)null), v => JsonNode.Parse(v, null, default)!.AsObject());

        public static ValueConverter<T, string> Json<T>() =>
            new(v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null), v => JsonSerializer.Deserialize<T>(v, (JsonSerializerOptions?)null)!);
    }

    private static class Comparers
    {
        public static ValueComparer<T> Json<T>() => new(
            (a, b) => JsonSerializer.Serialize(a, (JsonSerializerOptions?)null) == JsonSerializer.Serialize(b, (JsonSerializerOptions?)null),
            v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null).GetHashCode(StringComparison.Ordinal),
            v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, (JsonSerializerOptions?)null), (JsonSerializerOptions?)null)!);
    }
}
