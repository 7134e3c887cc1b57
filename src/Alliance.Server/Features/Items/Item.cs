using System.Text.Json.Serialization;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Items;

[JsonConverter(typeof(StronglyTypedIdJsonConverter<ItemId>))]
public readonly record struct ItemId(Guid Value) : IStronglyTypedId<ItemId>
{
    public static ItemId New() => new(Guid.CreateVersion7());

    public static ItemId From(Guid value) => new(value);

    public static bool TryParse(string? text, out ItemId id)
    {
        var ok = Guid.TryParse(text, out var value);
        id = new(value);
        return ok;
    }

    public override string ToString() => Value.ToString();
}

/// <summary>The four rules of procedure (议事原则), and units' commitments; each kind is a route (a workflow definition in <c>workflows/</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ItemKind>))]
public enum ItemKind
{
    /// <summary>大事共议 (workflow <c>deliberation</c>).</summary>
    [JsonStringEnumMemberName("deliberation")] Deliberation,

    /// <summary>要事共决 (workflow <c>decision</c>).</summary>
    [JsonStringEnumMemberName("decision")] Decision,

    /// <summary>实事共办 (workflow <c>joint-task</c>).</summary>
    [JsonStringEnumMemberName("jointTask")] JointTask,

    /// <summary>急事共商 (workflow <c>urgent</c>).</summary>
    [JsonStringEnumMemberName("urgent")] Urgent,

    /// <summary>
    /// 共驻共建承诺 (workflow <c>commitment</c>): a unit's commitment for a year, from confirmation through the periodic
    /// progress reports to the year-end assessment. Raised through <c>/api/commitments</c>, never <c>/api/items</c>.
    /// </summary>
    [JsonStringEnumMemberName("commitment")] Commitment,

    /// <summary>
    /// 资源共享: a request to use a shared venue or resource (workflow <c>resource-request</c>): the owner's approval,
    /// the reminder before use, feedback after it. Raised through <c>POST /api/resources/{id}/bookings</c>, never <c>/api/items</c>.
    /// </summary>
    [JsonStringEnumMemberName("resourceRequest")] ResourceRequest,
}

/// <summary>Where the submitter places the item: within its alliance, or beyond it (crosses communities, needs the street).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ItemScope>))]
public enum ItemScope
{
    [JsonStringEnumMemberName("alliance")] Alliance,
    [JsonStringEnumMemberName("street")] Street,
}

/// <summary>
/// A joint item (议事事项). Its route runs in the workflow runtime; the item keeps what people search and list by
/// (status, overdue, closed) in step with it (<see cref="ItemSync"/>), and every change of it is an
/// <see cref="ItemEventRecord"/> with the item's next <see cref="Sequence"/>.
/// </summary>
public sealed class Item
{
    public ItemId Id { get; init; }

    public ItemKind Kind { get; init; }

    public required string Title { get; set; }

    public required string Description { get; set; }

    public required string Category { get; set; }

    public AllianceId AllianceId { get; init; }

    /// <summary>The organisation that hosts the alliance (its community or street).</summary>
    public OrganisationId HostOrganisationId { get; init; }

    /// <summary>The street above the host (the escalation target); the host itself for a street alliance.</summary>
    public OrganisationId StreetId { get; init; }

    public ItemScope Scope { get; init; }

    public DateOnly? DesiredDate { get; init; }

    /// <summary>For a joint task designated to one unit rather than published.</summary>
    public OrganisationId? DesignatedUnitId { get; init; }

    /// <summary>The business status, as the route sets it.</summary>
    public string Status { get; set; } = "submitted";

    public OrganisationId SubmitterOrganisationId { get; init; }

    public Guid? SubmittedBy { get; init; }

    public Guid WorkflowInstanceId { get; set; }

    /// <summary>An item started by another item's route (a joint task from a resolution).</summary>
    public ItemId? ParentItemId { get; init; }

    /// <summary>The last sequence number given to an event of this item.</summary>
    public long Sequence { get; set; }

    /// <summary>How many of its route's status steps (SetStatus in the journal) the timeline already shows.</summary>
    public int StatusSteps { get; set; }

    /// <summary>Some work on the item passed its deadline and has not been done.</summary>
    public bool Overdue { get; set; }

    public bool Escalated { get; set; }

    /// <summary>Some work on the item passed its deadline at some point (<see cref="Overdue"/> clears once that work is done; this stays).</summary>
    public bool WasOverdue { get; set; }

    public DateTime CreatedUtc { get; init; }

    public DateTime UpdatedUtc { get; set; }

    public DateTime? ClosedUtc { get; set; }

    /// <summary>Optimistic concurrency: the route's projection and the people acting on it never overwrite each other.</summary>
    public int Revision { get; set; }

    /// <summary>The client's idempotency key of the submission (with <see cref="SubmittedBy"/>: a retried request finds this item).</summary>
    public string? IdempotencyKey { get; init; }

    public bool IsClosed => ClosedUtc is not null;
}

/// <summary>
/// One task of an item's route as the host tracks it: who it was offered to, who holds it, its deadline, when it
/// went overdue and was put under supervision (督办), and how it closed.
/// </summary>
public sealed class ItemTask
{
    public Guid Id { get; init; }

    public ItemId ItemId { get; init; }

    public required string Step { get; init; }

    public string? TitleZh { get; set; }

    public string? TitleEn { get; set; }

    public string? CandidateRole { get; set; }

    /// <summary>Comma-separated organisation ids the task is offered to, as the route names them (also one
    /// <see cref="ItemTaskCandidate"/> row each, which is what lookups by organisation use).</summary>
    public string? CandidateOrganisations { get; set; }

    public string? ClaimedBy { get; set; }

    /// <summary>The person the task was handed to (转交), who then holds it.</summary>
    public string? DelegatedTo { get; set; }

    /// <summary>The outcomes the route allows for this task, in its order.</summary>
    public List<string> AllowedOutcomes { get; set; } = [];

    /// <summary>The form fields the route asks for with the outcome.</summary>
    public List<FormField> Fields { get; set; } = [];

    /// <summary>The organisation the holder acts for (the unit that claimed, or the single candidate).</summary>
    public OrganisationId? HolderOrganisationId { get; set; }

    public DateTime? DeadlineUtc { get; set; }

    public bool Escalated { get; set; }

    public DateTime OpenedUtc { get; init; }

    public DateTime? ClosedUtc { get; set; }

    public string? Outcome { get; set; }

    public string? CompletedBy { get; set; }

    public string? Comment { get; set; }

    public DateTime? OverdueUtc { get; set; }

    public DateTime? SupervisedUtc { get; set; }

    public bool IsOpen => ClosedUtc is null;

    public IEnumerable<OrganisationId> Candidates() =>
        (CandidateOrganisations ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => OrganisationId.TryParse(s, out var id) ? id : default).Where(id => id != default);

    /// <summary>True when the task is offered to <paramref name="organisation"/> (or to no organisation in particular).</summary>
    public bool IsCandidateOrganisation(OrganisationId? organisation) =>
        string.IsNullOrEmpty(CandidateOrganisations) || (organisation is { } o && Candidates().Contains(o));
}

/// <summary>One organisation a task is offered to: the indexed form of <see cref="ItemTask.CandidateOrganisations"/>.</summary>
public sealed class ItemTaskCandidate
{
    public Guid TaskId { get; init; }

    public OrganisationId OrganisationId { get; init; }
}

/// <summary>
/// An event of an item on its timeline. It is written in the same transaction as the change it describes, beside the
/// host outbox's row of the same event (<see cref="ItemEvents"/>), which is what goes to the bus.
/// </summary>
public sealed class ItemEventRecord
{
    public Guid Id { get; init; }

    public ItemId ItemId { get; init; }

    public long Sequence { get; init; }

    /// <summary>The contract's name, e.g. <c>ItemSubmitted</c>.</summary>
    public required string Type { get; init; }

    public string? Actor { get; init; }

    public DateTime AtUtc { get; init; }

    public required string PayloadJson { get; init; }
}

/// <summary>A 督办 entry: overdue work escalated to the street chair after the grace period.</summary>
public sealed class SupervisionEntry
{
    public Guid Id { get; init; }

    public ItemId ItemId { get; init; }

    public Guid TaskId { get; init; }

    /// <summary>The street that supervises.</summary>
    public OrganisationId StreetId { get; init; }

    /// <summary>The organisation whose work is late.</summary>
    public OrganisationId? ResponsibleOrganisationId { get; init; }

    public DateTime DeadlineUtc { get; init; }

    public DateTime CreatedUtc { get; init; }

    public DateTime? ResolvedUtc { get; set; }
}

internal sealed class ItemConfiguration : IEntityTypeConfiguration<Item>
{
    public void Configure(EntityTypeBuilder<Item> builder)
    {
        builder.ToTable("items");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).HasConversion<StronglyTypedIdValueConverter<ItemId>>();
        builder.Property(i => i.ParentItemId).HasConversion<StronglyTypedIdValueConverter<ItemId>>();
        builder.Property(i => i.Kind).HasMaxLength(20);
        builder.Property(i => i.Scope).HasMaxLength(20);
        builder.Property(i => i.Title).HasMaxLength(200);
        builder.Property(i => i.Description).HasMaxLength(4000);
        builder.Property(i => i.Category).HasMaxLength(50);
        builder.Property(i => i.Status).HasMaxLength(50);
        builder.Property(i => i.Revision).IsConcurrencyToken();
        builder.HasOne<PartyAlliance>().WithMany().HasForeignKey(i => i.AllianceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(i => i.WorkflowInstanceId).IsUnique();
        builder.HasIndex(i => new { i.AllianceId, i.ClosedUtc });
        builder.HasIndex(i => i.SubmitterOrganisationId);
        builder.Property(i => i.IdempotencyKey).HasMaxLength(100);
        builder.HasIndex(i => new { i.SubmittedBy, i.IdempotencyKey }).IsUnique();
        builder.Ignore(i => i.IsClosed);
    }
}

internal sealed class ItemTaskConfiguration : IEntityTypeConfiguration<ItemTask>
{
    public void Configure(EntityTypeBuilder<ItemTask> builder)
    {
        builder.ToTable("item_tasks");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.ItemId).HasConversion<StronglyTypedIdValueConverter<ItemId>>();
        builder.Property(t => t.Step).HasMaxLength(100);
        builder.Property(t => t.CandidateRole).HasMaxLength(50);
        builder.Property(t => t.Outcome).HasMaxLength(50);
        builder.HasOne<Item>().WithMany().HasForeignKey(t => t.ItemId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(t => new { t.ItemId, t.ClosedUtc });
        builder.Property(t => t.DelegatedTo).HasMaxLength(100);
        builder.Property(t => t.ClaimedBy).HasMaxLength(100);
        builder.Property(t => t.AllowedOutcomes).HasConversion(new JsonListConverter<string>(), JsonListComparer.For<string>());
        builder.Property(t => t.Fields).HasConversion(new JsonListConverter<FormField>(), JsonListComparer.For<FormField>());
        builder.HasIndex(t => t.HolderOrganisationId);
        builder.HasIndex(t => new { t.CandidateRole, t.ClosedUtc });
        builder.HasIndex(t => new { t.ClaimedBy, t.ClosedUtc });
        builder.Ignore(t => t.IsOpen);
    }
}

internal sealed class ItemTaskCandidateConfiguration : IEntityTypeConfiguration<ItemTaskCandidate>
{
    public void Configure(EntityTypeBuilder<ItemTaskCandidate> builder)
    {
        builder.ToTable("item_task_candidates");
        builder.HasKey(c => new { c.TaskId, c.OrganisationId });
        builder.HasOne<ItemTask>().WithMany().HasForeignKey(c => c.TaskId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => c.OrganisationId);
    }
}

internal sealed class ItemEventRecordConfiguration : IEntityTypeConfiguration<ItemEventRecord>
{
    public void Configure(EntityTypeBuilder<ItemEventRecord> builder)
    {
        builder.ToTable("item_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.ItemId).HasConversion<StronglyTypedIdValueConverter<ItemId>>();
        builder.Property(e => e.Type).HasMaxLength(50);
        builder.HasOne<Item>().WithMany().HasForeignKey(e => e.ItemId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.ItemId, e.Sequence }).IsUnique();
    }
}

internal sealed class SupervisionEntryConfiguration : IEntityTypeConfiguration<SupervisionEntry>
{
    public void Configure(EntityTypeBuilder<SupervisionEntry> builder)
    {
        builder.ToTable("supervision_entries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.ItemId).HasConversion<StronglyTypedIdValueConverter<ItemId>>();
        builder.HasOne<Item>().WithMany().HasForeignKey(e => e.ItemId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => e.TaskId).IsUnique();
        builder.HasIndex(e => e.StreetId);
    }
}
