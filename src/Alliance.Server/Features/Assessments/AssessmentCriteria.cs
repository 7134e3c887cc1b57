namespace Alliance.Server.Features.Assessments;

/// <summary>The year-end criteria (考核指标), by key, with their names and the ledger section their evidence is in.</summary>
public static class AssessmentCriteria
{
    public const string Timeliness = "timeliness";
    public const string Satisfaction = "satisfaction";
    public const string Commitments = "commitments";
    public const string Sharing = "sharing";
    public const string Attendance = "attendance";

    public static IReadOnlyList<string> All { get; } = [Timeliness, Satisfaction, Commitments, Sharing, Attendance];

    public static (string Zh, string En) Name(string criterion) => criterion switch
    {
        Timeliness => ("按时办结", "Work on time"),
        Satisfaction => ("群众满意", "Satisfaction"),
        Commitments => ("承诺履行", "Commitments kept"),
        Sharing => ("资源共享", "Sharing"),
        Attendance => ("会议出席", "Meeting attendance"),
        _ => (criterion, criterion),
    };

    /// <summary>等次 from a total: 优秀 ≥ 90, 良好 ≥ 75, 一般 ≥ 60, 较差 below; none without a score.</summary>
    public static (string Zh, string En) Grade(double? total) => total switch
    {
        null => ("无可评数据", "nothing to score"),
        >= 90 => ("优秀", "excellent"),
        >= 75 => ("良好", "good"),
        >= 60 => ("一般", "fair"),
        _ => ("较差", "poor"),
    };
}
