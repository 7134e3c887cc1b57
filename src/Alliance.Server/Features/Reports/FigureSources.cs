using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Commitments;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Meetings;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Resources;

namespace Alliance.Server.Features.Reports;

/// <summary>One figure: a metric of an organisation in an alliance for a month (China time), with its breakdown.</summary>
public readonly record struct FigureKey(AllianceId AllianceId, OrganisationId OrganisationId, int Month, string Metric, string Dimension);

public sealed record ItemFacts(AllianceId AllianceId, ItemKind Kind, OrganisationId SubmitterId);

public sealed record ResourceFacts(AllianceId AllianceId, OrganisationId OwnerId, ResourceKind Kind);

public sealed record MeetingFacts(AllianceId AllianceId, OrganisationId HostId, DateTime StartsUtc, bool Held);

public sealed record CommitmentFacts(AllianceId AllianceId, OrganisationId UnitId);

/// <summary>
/// What a row's figures need to know of the rows it belongs to (its item, resource, meeting, commitment), as they stand
/// on one side of a change: <see cref="FigureInterceptor"/> asks once for the stored side and once for the side being
/// saved; <see cref="FigureRebuild"/> for the stored state.
/// </summary>
public interface IFigureFacts
{
    ValueTask<ItemFacts?> ItemAsync(ItemId id);

    /// <summary>The unit that did a joint task's work (the holder of its work step), if any.</summary>
    ValueTask<OrganisationId?> WorkerAsync(ItemId id);

    ValueTask<ResourceFacts?> ResourceAsync(ResourceId id);

    ValueTask<MeetingFacts?> MeetingAsync(MeetingId id);

    ValueTask<CommitmentFacts?> CommitmentAsync(CommitmentId id);
}

/// <summary>
/// The figures of each kind of row, as a function of the row as it stands (and the facts of the rows it belongs to). A
/// figure is the sum over all rows; a change adds (its figures after) minus (its figures before). So the figures kept
/// incrementally always equal a recomputation from the stored rows (<see cref="FigureRebuild"/>), which is what the
/// property test checks.
/// </summary>
public static class FigureSources
{
    /// <summary>The row types that have figures.</summary>
    public static IReadOnlySet<Type> Types { get; } = new HashSet<Type>
    {
        typeof(Item), typeof(ItemTask), typeof(SupervisionEntry), typeof(Commitment), typeof(CommitmentPeriod), typeof(Resource),
        typeof(Booking), typeof(Meeting), typeof(MeetingMember), typeof(AgendaPoint),
    };

    /// <summary>Per row type, the properties its figures read that can change after the row is added (a change of any other is no change of figures).</summary>
    public static IReadOnlyDictionary<Type, string[]> Relevant { get; } = new Dictionary<Type, string[]>
    {
        [typeof(Item)] = [nameof(Item.Status), nameof(Item.ClosedUtc), nameof(Item.WasOverdue), nameof(Item.Escalated)],
        [typeof(ItemTask)] = [nameof(ItemTask.HolderOrganisationId), nameof(ItemTask.ClosedUtc), nameof(ItemTask.CompletedBy), nameof(ItemTask.Outcome), nameof(ItemTask.OverdueUtc)],
        [typeof(SupervisionEntry)] = [nameof(SupervisionEntry.CreatedUtc)],
        [typeof(Commitment)] = [nameof(Commitment.Status), nameof(Commitment.ConfirmedUtc), nameof(Commitment.Assessment), nameof(Commitment.AssessedUtc)],
        [typeof(CommitmentPeriod)] = [nameof(CommitmentPeriod.ReportedUtc), nameof(CommitmentPeriod.Late), nameof(CommitmentPeriod.MissedUtc)],
        [typeof(Resource)] = [nameof(Resource.Status), nameof(Resource.AllianceId), nameof(Resource.Kind), nameof(Resource.Categories)],
        [typeof(Booking)] = [nameof(Booking.Status)],
        [typeof(Meeting)] = [nameof(Meeting.Status), nameof(Meeting.StartsUtc)],
        [typeof(MeetingMember)] = [nameof(MeetingMember.CheckedInUtc)],
        [typeof(AgendaPoint)] = [nameof(AgendaPoint.Outcome), nameof(AgendaPoint.RemovedUtc), nameof(AgendaPoint.LeadUnitId)],
    };

    /// <summary>
    /// Adds the figures of <paramref name="row"/>: each once for its month and once for its whole year (yyyy00), so a report
    /// of whole years reads one row per figure and year instead of twelve (<see cref="FigurePeriod"/>).
    /// </summary>
    public static ValueTask AddAsync(object row, IFigureFacts facts, Action<FigureKey, long> add)
    {
        ArgumentNullException.ThrowIfNull(add);
        return OfRowAsync(row, facts, (key, value) =>
        {
            add(key, value);
            add(key with { Month = ReportMonth.YearOf(key.Month) }, value);
        });
    }

    private static async ValueTask OfRowAsync(object row, IFigureFacts facts, Action<FigureKey, long> add)
    {
        switch (row)
        {
            case Item item:
                OfItem(item, add);
                break;
            case ItemTask task when await facts.ItemAsync(task.ItemId) is { } item:
                await OfTaskAsync(task, item, facts, add);
                break;
            case SupervisionEntry entry when await facts.ItemAsync(entry.ItemId) is { } item:
                add(new(item.AllianceId, entry.ResponsibleOrganisationId ?? entry.StreetId, ReportMonth.Of(entry.CreatedUtc), FigureMetrics.Supervised, Kind(item.Kind)), 1);
                break;
            case Commitment commitment:
                OfCommitment(commitment, add);
                break;
            case CommitmentPeriod period when await facts.CommitmentAsync(period.CommitmentId) is { } commitment:
                OfPeriod(period, commitment, add);
                break;
            case Resource resource:
                OfResource(resource, add);
                break;
            case Booking booking when await facts.ResourceAsync(booking.ResourceId) is { } resource:
                OfBooking(booking, resource, add);
                break;
            case Meeting meeting:
                if (Held(meeting.Status))
                {
                    add(new(meeting.AllianceId, meeting.HostOrganisationId, ReportMonth.Of(meeting.StartsUtc), FigureMetrics.MeetingsHeld, Camel(meeting.Kind.ToString())), 1);
                }

                break;
            case MeetingMember member when await facts.MeetingAsync(member.MeetingId) is { Held: true } meeting:
                var month = ReportMonth.Of(meeting.StartsUtc);
                add(new(meeting.AllianceId, member.OrganisationId, month, FigureMetrics.MeetingSeats, ""), 1);
                if (member.CheckedInUtc is not null)
                {
                    add(new(meeting.AllianceId, member.OrganisationId, month, FigureMetrics.MeetingPresent, ""), 1);
                }

                break;
            case AgendaPoint point when point is { Outcome: AgendaOutcome.Resolved, RemovedUtc: null }
                && await facts.MeetingAsync(point.MeetingId) is { Held: true } meeting:
                add(new(meeting.AllianceId, meeting.HostId, ReportMonth.Of(meeting.StartsUtc), FigureMetrics.Resolutions, point.LeadUnitId is null ? "" : "task"), 1);
                break;
        }
    }

    public static bool Held(MeetingStatus status) => status is MeetingStatus.Closed or MeetingStatus.MinutesPublished;

    /// <summary>An item kind as the API spells it (e.g. <c>jointTask</c>).</summary>
    public static string Kind(ItemKind kind) => Camel(kind.ToString());

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static void OfItem(Item item, Action<FigureKey, long> add)
    {
        if (!FigureMetrics.Counts(item.Kind))
        {
            return;
        }

        var kind = Kind(item.Kind);
        var raised = ReportMonth.Of(item.CreatedUtc);
        add(new(item.AllianceId, item.SubmitterOrganisationId, raised, FigureMetrics.ItemsRaised, kind), 1);
        if (item.WasOverdue)
        {
            add(new(item.AllianceId, item.SubmitterOrganisationId, raised, FigureMetrics.ItemsOverdue, kind), 1);
        }

        if (item.Escalated)
        {
            add(new(item.AllianceId, item.SubmitterOrganisationId, raised, FigureMetrics.ItemsEscalated, kind), 1);
        }

        if (item.ClosedUtc is { } closed)
        {
            var month = ReportMonth.Of(closed);
            add(new(item.AllianceId, item.SubmitterOrganisationId, month, FigureMetrics.ItemsClosed, kind), 1);
            if (!FigureMetrics.Unresolved.Contains(item.Status))
            {
                add(new(item.AllianceId, item.SubmitterOrganisationId, month, FigureMetrics.ItemsResolved, kind), 1);
                add(new(item.AllianceId, item.SubmitterOrganisationId, month, FigureMetrics.ResolveHours, FigureMetrics.Bucket(closed - item.CreatedUtc)), 1);
            }
        }
    }

    private static readonly HashSet<string> Ratings = ["satisfied", "basicallySatisfied", "unsatisfied"];

    private static async ValueTask OfTaskAsync(ItemTask task, ItemFacts item, IFigureFacts facts, Action<FigureKey, long> add)
    {
        if (!FigureMetrics.Counts(item.Kind))
        {
            return;
        }

        var kind = Kind(item.Kind);
        if (task.HolderOrganisationId is { } holder)
        {
            if (task is { ClosedUtc: { } done, CompletedBy: not null, Outcome: not null })
            {
                add(new(item.AllianceId, holder, ReportMonth.Of(done), FigureMetrics.TasksDone, kind), 1);
            }

            if (task.OverdueUtc is { } overdue)
            {
                add(new(item.AllianceId, holder, ReportMonth.Of(overdue), FigureMetrics.TasksOverdue, kind), 1);
            }
        }

        if (task is { Step: "verify", ClosedUtc: { } rated, Outcome: { } rating } && Ratings.Contains(rating))
        {
            var worker = await facts.WorkerAsync(task.ItemId) ?? item.SubmitterId;
            add(new(item.AllianceId, worker, ReportMonth.Of(rated), FigureMetrics.Satisfaction, rating), 1);
        }
    }

    private static void OfCommitment(Commitment commitment, Action<FigureKey, long> add)
    {
        if (commitment.ConfirmedUtc is { } confirmed && Commitment.PublishedStatuses.Contains(commitment.Status))
        {
            add(new(commitment.AllianceId, commitment.UnitId, ReportMonth.Of(confirmed), FigureMetrics.CommitmentsMade, ""), 1);
        }

        if (commitment is { AssessedUtc: { } assessed, Assessment: { } outcome })
        {
            add(new(commitment.AllianceId, commitment.UnitId, ReportMonth.Of(assessed), FigureMetrics.CommitmentsAssessed, outcome), 1);
        }
    }

    private static void OfPeriod(CommitmentPeriod period, CommitmentFacts commitment, Action<FigureKey, long> add)
    {
        if (period.ReportedUtc is { } reported)
        {
            add(new(commitment.AllianceId, commitment.UnitId, ReportMonth.Of(reported), FigureMetrics.CommitmentReports, period.Late ? "late" : "onTime"), 1);
        }

        if (period.MissedUtc is { } missed)
        {
            add(new(commitment.AllianceId, commitment.UnitId, ReportMonth.Of(missed), FigureMetrics.CommitmentReportsMissed, ""), 1);
        }
    }

    private static void OfResource(Resource resource, Action<FigureKey, long> add)
    {
        if (resource.Status != ResourceStatus.Active)
        {
            return;
        }

        var month = ReportMonth.Of(resource.CreatedAt);
        add(new(resource.AllianceId, resource.OwnerId, month, FigureMetrics.ResourcesShared, Camel(resource.Kind.ToString())), 1);
        foreach (var category in resource.Categories.Distinct(StringComparer.Ordinal))
        {
            add(new(resource.AllianceId, resource.OwnerId, month, FigureMetrics.ResourcesByCategory, category), 1);
        }
    }

    private static void OfBooking(Booking booking, ResourceFacts resource, Action<FigureKey, long> add)
    {
        add(new(resource.AllianceId, booking.RequesterId, ReportMonth.Of(booking.CreatedUtc), FigureMetrics.BookingsRequested, ""), 1);
        if (booking.Status == BookingStatus.Used)
        {
            var month = ReportMonth.Of(booking.StartUtc);
            var kind = Camel(resource.Kind.ToString());
            add(new(resource.AllianceId, resource.OwnerId, month, FigureMetrics.BookingsUsed, kind), 1);
            add(new(resource.AllianceId, resource.OwnerId, month, FigureMetrics.BookingMinutes, kind), (long)(booking.EndUtc - booking.StartUtc).TotalMinutes);
        }
    }
}
