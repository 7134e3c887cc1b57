using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;

namespace Alliance.Server.Features.Reports;

/// <summary>Counts by breakdown (an item kind, an outcome, a category) and their total.</summary>
public sealed record Breakdown(long Total, IReadOnlyDictionary<string, long> By);

public sealed record ItemFigures(
    Breakdown Raised, Breakdown Resolved, Breakdown Closed, Breakdown Overdue, Breakdown Escalated,
    double? MedianHoursToResolve, double? P90HoursToResolve, Breakdown ResolveHours);

/// <summary>满意 / 基本满意 / 不满意, and the rate (满意率: satisfied and basically satisfied of all ratings), null without ratings.</summary>
public sealed record SatisfactionFigures(long Satisfied, long BasicallySatisfied, long Unsatisfied, double? Rate);

public sealed record CommitmentFigures(long Made, long Fulfilled, long PartlyFulfilled, long NotFulfilled, long ReportsOnTime, long ReportsLate, long ReportsMissed);

/// <summary>Resources shared are as of the period's end (every resource active and registered by then); bookings within the period.</summary>
public sealed record SharingFigures(Breakdown ResourcesShared, Breakdown ByCategory, Breakdown BookingsUsed, double HoursOfUse, long BookingsRequested);

public sealed record MeetingFigures(Breakdown Held, long Seats, long Present, double? AttendanceRate, long Resolutions, long ResolutionsWithTask);

public sealed record WorkFigures(long TasksDone, long TasksOverdue, long Supervised);

/// <summary>One month of the trend: items raised and resolved.</summary>
public sealed record MonthTrend(string Month, long Raised, long Resolved);

/// <summary>The figures of one organisation within the report (participation per unit, and the ranking's input).</summary>
public sealed record OrganisationFigures(
    OrganisationId OrganisationId, string Name, string Kind, long ItemsRaised, long ItemsResolved, long TasksDone, long TasksOverdue, long Supervised,
    SatisfactionFigures Satisfaction, long CommitmentsMade, long CommitmentsFulfilled, long ResourcesShared, long BookingsUsed,
    long MeetingSeats, long MeetingPresent, double? AttendanceRate, long CommitmentsPartlyFulfilled = 0, long CommitmentsNotFulfilled = 0)
{
    /// <summary>参与度: items resolved, tasks done, bookings of shared resources used, meetings attended, less overdue tasks.</summary>
    public long Participation => ItemsResolved + TasksDone + BookingsUsed + MeetingPresent - TasksOverdue;
}

/// <summary>
/// The figures of a period (months in China Standard Time, both included) for the alliances or the organisation of the
/// scope, from the figure projection (<see cref="FigureDelta"/>), and the lines a district report quotes.
/// </summary>
public sealed record FiguresReport(
    string From, string To, IReadOnlyList<AllianceId>? Alliances, OrganisationId? Organisation,
    ItemFigures Items, SatisfactionFigures Satisfaction, CommitmentFigures Commitments, SharingFigures Sharing, MeetingFigures Meetings, WorkFigures Work,
    IReadOnlyList<MonthTrend> Trend, IReadOnlyList<OrganisationFigures> Organisations, IReadOnlyList<string> Lines);
