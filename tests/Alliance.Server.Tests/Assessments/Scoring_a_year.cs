using Alliance.Server.Features.Assessments;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Reports;

namespace Alliance.Server.Tests.Assessments;

/// <summary>The year-end score's rule (#18), on fixed figures: the weighted mean of the criteria that apply, each criterion's points adding up to the total.</summary>
public sealed class Scoring_a_year
{
    private static readonly AssessmentWeights Default = new(30, 25, 20, 10, 15, 12);
    private static readonly OrganisationId Unit = new(Guid.Parse("00000000-0000-0000-0000-0000000000a1"));

    private static OrganisationFigures Year(
        long done = 0, long overdue = 0, long supervised = 0, (long S, long B, long U) ratings = default, (long F, long P, long N) commitments = default,
        long shared = 0, long used = 0, long seats = 0, long present = 0) =>
        new(Unit, "单位", "unit", 0, 0, done, overdue, supervised,
            new SatisfactionFigures(ratings.S, ratings.B, ratings.U, Figures.Rate(ratings.S + ratings.B, ratings.S + ratings.B + ratings.U)),
            commitments.F + commitments.P + commitments.N, commitments.F, shared, used, seats, present, Figures.Rate(present, seats), commitments.P, commitments.N);

    private static double? Rate(OrganisationScore score, string criterion) => score.Criteria.Single(c => c.Criterion == criterion).Rate;

    [Fact]
    public void Every_criterion_counts_by_its_weight_and_the_points_add_up_to_the_total()
    {
        var score = AssessmentScoring.ScoreOf(
            Year(done: 10, overdue: 2, supervised: 1, ratings: (6, 2, 2), commitments: (2, 2, 0), shared: 3, used: 3, seats: 4, present: 3), Default, 2026);

        Assert.Equal(0.75, Rate(score, AssessmentCriteria.Timeliness)); // (10 - 2) / 10, less 5 points for the one 督办
        Assert.Equal(0.8, Rate(score, AssessmentCriteria.Satisfaction)); // (6 + 2) / 10
        Assert.Equal(0.75, Rate(score, AssessmentCriteria.Commitments)); // (2 + 2 × 0.5) / 4
        Assert.Equal(0.5, Rate(score, AssessmentCriteria.Sharing)); // (3 + 3) / 12
        Assert.Equal(0.75, Rate(score, AssessmentCriteria.Attendance)); // 3 / 4
        // 30×0.75 + 25×0.8 + 20×0.75 + 10×0.5 + 15×0.75 = 22.5 + 20 + 15 + 5 + 11.25 = 73.75
        Assert.Equal(73.8, score.Total);
        Assert.Equal("一般", score.GradeZh);
        Assert.True(Math.Abs(score.Total!.Value - score.Criteria.Sum(c => c.Points)) < 0.2, "the points, each rounded to 0.1, add up to the total");
    }

    [Fact]
    public void A_criterion_without_anything_to_judge_shares_its_weight_out_among_the_others()
    {
        // no ratings, no commitments assessed, no meetings: only timeliness (30) and sharing (10) apply
        var score = AssessmentScoring.ScoreOf(Year(done: 4, shared: 6), Default, 2026);

        Assert.Null(Rate(score, AssessmentCriteria.Satisfaction));
        Assert.Null(Rate(score, AssessmentCriteria.Commitments));
        Assert.Null(Rate(score, AssessmentCriteria.Attendance));
        Assert.Equal(75.0, score.Criteria.Single(c => c.Criterion == AssessmentCriteria.Timeliness).Points); // 1.0 × 30/40 × 100
        Assert.Equal(12.5, score.Criteria.Single(c => c.Criterion == AssessmentCriteria.Sharing).Points); // 0.5 × 10/40 × 100
        Assert.Equal(87.5, score.Total);
        Assert.Equal("良好", score.GradeZh);
    }

    [Fact]
    public void Work_overdue_or_escalated_costs_timeliness_and_nothing_at_all_gives_no_score()
    {
        Assert.Equal(0.0, Rate(AssessmentScoring.ScoreOf(Year(overdue: 2), Default, 2026), AssessmentCriteria.Timeliness));
        Assert.Equal(0.4, Rate(AssessmentScoring.ScoreOf(Year(done: 2, overdue: 1, supervised: 2), Default, 2026), AssessmentCriteria.Timeliness)); // 0.5 − 0.1

        var idle = AssessmentScoring.ScoreOf(Year(), new AssessmentWeights(30, 25, 20, 0, 25, 12), 2026); // sharing weighs nothing here
        Assert.Null(idle.Total);
        Assert.Equal("无可评数据", idle.GradeZh);
    }

    [Fact]
    public void An_adjustment_moves_the_total_within_0_to_100_and_the_places_follow()
    {
        var other = new OrganisationId(Guid.Parse("00000000-0000-0000-0000-0000000000a2"));
        var scores = AssessmentScoring.Score(
            [Year(done: 10, overdue: 5), Year(done: 10) with { OrganisationId = other, Name = "乙" }],
            [(Unit, "甲", "unit"), (other, "乙", "unit")], Default, 2026);
        Assert.Equal(["乙", "甲"], scores.Select(s => s.Name));

        // 甲: timeliness 0.5 and sharing 0 apply, (30 × 0.5) / 40 = 37.5; 乙: 30 / 40 = 75
        Assert.Equal(37.5, scores[1].Total);
        var lifted = AssessmentScoring.Placed(scores.Select(s => s.Name == "甲" ? AssessmentScoring.Adjusted(s, 70) : s));
        Assert.Equal(["甲", "乙"], lifted.Select(s => s.Name));
        Assert.Equal(100, lifted[0].Total);
        Assert.Equal(70, lifted[0].Adjustment);
        Assert.Equal(37.5, lifted[0].Computed);
        Assert.Equal(2, lifted[1].Place);
    }

    [Fact]
    public void Each_criterion_links_to_the_ledger_of_its_organisation_and_year()
    {
        var score = AssessmentScoring.ScoreOf(Year(done: 1), Default, 2026);
        var timeliness = score.Criteria.Single(c => c.Criterion == AssessmentCriteria.Timeliness).Evidence;
        Assert.Contains(timeliness, e => e.Href == $"/ledger?section=items&organisation={Unit.Value:D}&from=2026-01-01&to=2026-12-31&overdue=true");
        Assert.Contains(timeliness, e => e.Api == $"/api/ledger/supervision?organisation={Unit.Value:D}&from=2026-01-01&to=2026-12-31");
        Assert.Equal(["items", "items", "supervision", "items", "commitments", "bookings", "meetings"], score.Criteria.SelectMany(c => c.Evidence).Select(e => e.Section));
    }
}
