using Alliance.Server.Features.Items;

namespace Alliance.Server.Features.Reports;

/// <summary>
/// The names of the figures (<see cref="FigureDelta.Metric"/>) and what each counts. Where a figure has a breakdown, its
/// <see cref="FigureDelta.Dimension"/> says which (an item kind as the API spells it, an outcome, a bucket).
/// </summary>
public static class FigureMetrics
{
    /// <summary>Items raised (the four rules of procedure), by kind, in the month they were raised; the submitting organisation's.</summary>
    public const string ItemsRaised = "items.raised";

    /// <summary>Items closed as resolved (not rejected, withdrawn, cancelled, failed), by kind, in the month they closed.</summary>
    public const string ItemsResolved = "items.resolved";

    /// <summary>Items closed in any way, by kind, in the month they closed.</summary>
    public const string ItemsClosed = "items.closed";

    /// <summary>Items raised in the month whose work went overdue at some point, by kind.</summary>
    public const string ItemsOverdue = "items.overdue";

    /// <summary>Items raised in the month that were escalated to the street, by kind.</summary>
    public const string ItemsEscalated = "items.escalated";

    /// <summary>Resolved items by time from raising to closing: the dimension is the bucket's upper bound in hours (<see cref="ResolveHourBuckets"/>; "inf" beyond).</summary>
    public const string ResolveHours = "items.resolve-hours";

    /// <summary>Ratings of finished joint tasks (satisfied, basicallySatisfied, unsatisfied), of the unit that did the work, in the month of the rating.</summary>
    public const string Satisfaction = "items.satisfaction";

    /// <summary>Tasks a unit (the task's holder) completed, by item kind, in the month of completion.</summary>
    public const string TasksDone = "tasks.done";

    /// <summary>Tasks of a unit (the task's holder) that passed their deadline, by item kind, in the month of the deadline.</summary>
    public const string TasksOverdue = "tasks.overdue";

    /// <summary>督办 entries, of the responsible organisation, in the month they were raised.</summary>
    public const string Supervised = "supervision.raised";

    /// <summary>Commitments confirmed (published), of the unit, in the month of confirmation.</summary>
    public const string CommitmentsMade = "commitments.made";

    /// <summary>Commitments assessed, by outcome (fulfilled, partlyFulfilled, notFulfilled), in the month of assessment.</summary>
    public const string CommitmentsAssessed = "commitments.assessed";

    /// <summary>Progress reports of commitments, onTime or late, in the month reported.</summary>
    public const string CommitmentReports = "commitments.reports";

    /// <summary>Progress reports of commitments missed, in the month missed.</summary>
    public const string CommitmentReportsMissed = "commitments.reports-missed";

    /// <summary>Resources shared (active), by kind, in the month registered; cumulative: a period's figure is every month up to its end.</summary>
    public const string ResourcesShared = "resources.shared";

    /// <summary>Resources shared (active), by category, in the month registered; cumulative as <see cref="ResourcesShared"/>.</summary>
    public const string ResourcesByCategory = "resources.category";

    /// <summary>Bookings used, by resource kind, the owner's, in the month of use.</summary>
    public const string BookingsUsed = "bookings.used";

    /// <summary>Minutes of use of used bookings, by resource kind, the owner's, in the month of use.</summary>
    public const string BookingMinutes = "bookings.minutes";

    /// <summary>Bookings requested, of the requesting organisation, in the month of the request.</summary>
    public const string BookingsRequested = "bookings.requested";

    /// <summary>Joint meetings held (closed), by kind, the host's, in the month of the meeting.</summary>
    public const string MeetingsHeld = "meetings.held";

    /// <summary>Members expected at meetings held, each member's own, in the month of the meeting.</summary>
    public const string MeetingSeats = "meetings.seats";

    /// <summary>Members present (checked in, in person or by deputy) at meetings held, each member's own.</summary>
    public const string MeetingPresent = "meetings.present";

    /// <summary>Agenda points resolved at meetings held, the host's; dimension "task" when the resolution started a joint task.</summary>
    public const string Resolutions = "meetings.resolutions";

    /// <summary>Cumulative figures: a period's value is the sum of every month up to the period's end.</summary>
    public static IReadOnlySet<string> Cumulative { get; } = new HashSet<string>(StringComparer.Ordinal) { ResourcesShared, ResourcesByCategory };

    /// <summary>Upper bounds (hours) of the time-to-resolve buckets.</summary>
    public static IReadOnlyList<int> ResolveHourBuckets { get; } = [1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 240, 336, 504, 720, 1440, 2160];

    /// <summary>The four rules of procedure: the items the item figures count (commitments and booking requests have figures of their own).</summary>
    public static bool Counts(ItemKind kind) => kind is ItemKind.Deliberation or ItemKind.Decision or ItemKind.JointTask or ItemKind.Urgent;

    /// <summary>Closing statuses that are not a resolution.</summary>
    public static IReadOnlySet<string> Unresolved { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "rejected", "withdrawn", "cancelled", "failed", "tasks-cancelled", "no-quorum", "returned",
    };

    public static string Bucket(TimeSpan duration)
    {
        var hours = duration.TotalHours;
        foreach (var bound in ResolveHourBuckets)
        {
            if (hours <= bound)
            {
                return bound.ToString(global::System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return "inf";
    }
}
