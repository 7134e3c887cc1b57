using Alliance.Server.Features.Alliances;

namespace Alliance.Server.Features.Assessments;

/// <summary>
/// The weights of the five year-end criteria (summing to 100) and the sharing that earns full marks, as the street
/// alliance's rules of procedure set them when the assessment was computed (kept with it, so a later change of the
/// rules does not change a published score).
/// </summary>
public sealed record AssessmentWeights(int Timeliness, int Satisfaction, int Commitments, int Sharing, int Attendance, int SharingTarget)
{
    public static AssessmentWeights Of(RulesOfProcedure rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return new(rules.WeightTimeliness, rules.WeightSatisfaction, rules.WeightCommitments, rules.WeightSharing, rules.WeightAttendance, rules.SharingTarget);
    }

    public int Of(string criterion) => criterion switch
    {
        AssessmentCriteria.Timeliness => Timeliness,
        AssessmentCriteria.Satisfaction => Satisfaction,
        AssessmentCriteria.Commitments => Commitments,
        AssessmentCriteria.Sharing => Sharing,
        AssessmentCriteria.Attendance => Attendance,
        _ => throw new ArgumentOutOfRangeException(nameof(criterion), criterion, "unknown criterion"),
    };
}
