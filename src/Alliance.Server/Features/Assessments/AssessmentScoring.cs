using System.Globalization;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Reports;
using C = Alliance.Server.Features.Assessments.AssessmentCriteria;

namespace Alliance.Server.Features.Assessments;

/// <summary>A ledger view behind a criterion, for one organisation and year: what it shows in words, the page and the API query.</summary>
public sealed record AssessmentEvidence(string Section, string LabelZh, string LabelEn, string Href, string Api)
{
    public static AssessmentEvidence For(OrganisationId organisation, int year, string section, bool overdue, string? status, string zh, string en)
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"organisation={organisation.Value:D}&from={year}-01-01&to={year}-12-31")
            + (overdue ? "&overdue=true" : "") + (status is { } s ? "&status=" + s : "");
        return new(section, zh, en, $"/ledger?section={section}&{query}", $"/api/ledger/{section}?{query}");
    }
}

/// <summary>
/// One criterion of one organisation's score: its weight, the rate earned (0–1, null when the year gave nothing to
/// judge it by), the points it adds to the total, the figures it came from in words, and the ledger views behind them.
/// </summary>
public sealed record CriterionScore(string Criterion, int Weight, double? Rate, double Points, string BasisZh, string BasisEn, IReadOnlyList<AssessmentEvidence> Evidence);

/// <summary>
/// One community's or unit's year-end score: the computed total (0–100, null when no criterion applied), the adjustment
/// a ruling on its objection made, the final total, its place among its kind, its grade and its criteria.
/// </summary>
public sealed record OrganisationScore(
    OrganisationId OrganisationId, string Name, string Kind, int Place, double? Computed, double Adjustment, double? Total,
    string GradeZh, string GradeEn, IReadOnlyList<CriterionScore> Criteria, long Participation);

/// <summary>
/// The year-end score (pure, so its rule is tested directly). Each criterion earns a rate from the year's figures:
/// <list type="bullet">
/// <item>按时办结: tasks done less tasks overdue, of tasks done (a task that went overdue is late even when done later),
/// less 5 percentage points for each 督办; no tasks at all: not applicable;</item>
/// <item>群众满意: the satisfaction rate (满意 and 基本满意 of all ratings); no ratings: not applicable;</item>
/// <item>承诺履行: fulfilled commitments, partly fulfilled counting half, of those assessed; none assessed: not applicable;</item>
/// <item>资源共享: resources shared and bookings of them used, of the alliance's target (full marks at the target);</item>
/// <item>会议出席: meetings attended of meetings the organisation was expected at; none: not applicable.</item>
/// </list>
/// The total is the weighted mean of the criteria that apply, out of 100: the weights of those that do not apply are shared
/// out among the rest in proportion, so each criterion's points add up to the total.
/// </summary>
public static class AssessmentScoring
{
    public const double SupervisionPenalty = 0.05;

    public static IReadOnlyList<OrganisationScore> Score(
        IEnumerable<OrganisationFigures> figures, IEnumerable<(OrganisationId Id, string Name, string Kind)> members, AssessmentWeights weights, int year,
        IReadOnlyDictionary<OrganisationId, double>? adjustments = null)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(members);
        var byId = figures.ToDictionary(f => f.OrganisationId);
        var scores = members.DistinctBy(m => m.Id)
            .Select(m => byId.TryGetValue(m.Id, out var f) ? f with { Name = m.Name, Kind = m.Kind } : Empty(m.Id, m.Name, m.Kind))
            .Select(f => ScoreOf(f, weights, year, adjustments?.GetValueOrDefault(f.OrganisationId) ?? 0))
            .ToList();
        return Placed(scores);
    }

    /// <summary>Places within communities and within units: highest total first, no score last, then by name.</summary>
    public static IReadOnlyList<OrganisationScore> Placed(IEnumerable<OrganisationScore> scores) =>
        [.. scores.GroupBy(s => s.Kind == "community").OrderByDescending(g => g.Key)
            .SelectMany(g => g.OrderBy(s => s.Total is null).ThenByDescending(s => s.Total).ThenBy(s => s.Name, StringComparer.Ordinal).Select((s, i) => s with { Place = i + 1 }))];

    /// <summary>A score with an adjustment (a ruling on an objection): the total is the computed one plus the adjustment, kept within 0–100.</summary>
    public static OrganisationScore Adjusted(OrganisationScore score, double adjustment)
    {
        ArgumentNullException.ThrowIfNull(score);
        var total = score.Computed is { } c ? Math.Round(Math.Clamp(c + adjustment, 0, 100), 1) : (double?)null;
        var grade = C.Grade(total);
        return score with { Adjustment = adjustment, Total = total, GradeZh = grade.Zh, GradeEn = grade.En };
    }

    public static OrganisationScore ScoreOf(OrganisationFigures f, AssessmentWeights weights, int year, double adjustment = 0)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(weights);
        var c = CultureInfo.InvariantCulture;
        AssessmentEvidence E(string section, bool overdue, string? status, string zh, string en) => AssessmentEvidence.For(f.OrganisationId, year, section, overdue, status, zh, en);
        var rates = new List<(string Criterion, double? Rate, string Zh, string En, AssessmentEvidence[] Evidence)>
        {
            (C.Timeliness, Timeliness(f),
                string.Create(c, $"完成任务 {f.TasksDone} 项，逾期 {f.TasksOverdue} 项，督办 {f.Supervised} 次"),
                string.Create(c, $"{f.TasksDone} tasks done, {f.TasksOverdue} overdue, {f.Supervised} escalated"),
                [E("items", false, null, "经办事项", "items worked on"), E("items", true, null, "逾期事项", "overdue items"), E("supervision", false, null, "督办记录", "supervision entries")]),
            (C.Satisfaction, f.Satisfaction.Rate,
                string.Create(c, $"满意 {f.Satisfaction.Satisfied}，基本满意 {f.Satisfaction.BasicallySatisfied}，不满意 {f.Satisfaction.Unsatisfied}"),
                string.Create(c, $"{f.Satisfaction.Satisfied} satisfied, {f.Satisfaction.BasicallySatisfied} basically satisfied, {f.Satisfaction.Unsatisfied} unsatisfied"),
                [E("items", false, "closed", "已办结事项", "closed items")]),
            (C.Commitments, Commitments(f),
                string.Create(c, $"承诺 {f.CommitmentsMade} 项；评定履行 {f.CommitmentsFulfilled}，部分履行 {f.CommitmentsPartlyFulfilled}，未履行 {f.CommitmentsNotFulfilled}"),
                string.Create(c, $"{f.CommitmentsMade} commitments; assessed {f.CommitmentsFulfilled} fulfilled, {f.CommitmentsPartlyFulfilled} partly, {f.CommitmentsNotFulfilled} not"),
                [E("commitments", false, null, "共建承诺", "commitments")]),
            (C.Sharing, Math.Min(1.0, (double)(f.ResourcesShared + f.BookingsUsed) / Math.Max(1, weights.SharingTarget)),
                string.Create(c, $"共享资源 {f.ResourcesShared} 个，被使用 {f.BookingsUsed} 次（满分 {weights.SharingTarget}）"),
                string.Create(c, $"{f.ResourcesShared} resources shared, used {f.BookingsUsed} times (full marks at {weights.SharingTarget})"),
                [E("bookings", false, null, "资源预约", "bookings")]),
            (C.Attendance, f.AttendanceRate,
                string.Create(c, $"应出席 {f.MeetingSeats} 次，出席 {f.MeetingPresent} 次"),
                string.Create(c, $"expected at {f.MeetingSeats} meetings, present at {f.MeetingPresent}"),
                [E("meetings", false, null, "联席会议", "joint meetings")]),
        };
        var applying = rates.Where(r => r.Rate is not null).Sum(r => weights.Of(r.Criterion));
        var criteria = rates.Select(r => new CriterionScore(
            r.Criterion, weights.Of(r.Criterion), r.Rate is { } rate ? Math.Round(rate, 4) : null,
            r.Rate is { } earned && applying > 0 ? Math.Round(earned * weights.Of(r.Criterion) * 100.0 / applying, 1) : 0,
            r.Zh, r.En, r.Evidence)).ToList();
        double? computed = applying > 0 ? Math.Round(rates.Where(r => r.Rate is not null).Sum(r => r.Rate!.Value * weights.Of(r.Criterion)) * 100.0 / applying, 1) : null;
        var score = new OrganisationScore(f.OrganisationId, f.Name, f.Kind, 0, computed, 0, computed, "", "", criteria, f.Participation);
        return Adjusted(score, adjustment);
    }

    private static double? Timeliness(OrganisationFigures f)
    {
        if (f.TasksDone == 0 && f.TasksOverdue == 0 && f.Supervised == 0)
        {
            return null;
        }

        var onTime = f.TasksDone == 0 ? 0 : Math.Max(0, f.TasksDone - f.TasksOverdue) / (double)f.TasksDone;
        return Math.Max(0, onTime - (SupervisionPenalty * f.Supervised));
    }

    private static double? Commitments(OrganisationFigures f)
    {
        var assessed = f.CommitmentsFulfilled + f.CommitmentsPartlyFulfilled + f.CommitmentsNotFulfilled;
        return assessed == 0 ? null : (f.CommitmentsFulfilled + (0.5 * f.CommitmentsPartlyFulfilled)) / assessed;
    }

    private static OrganisationFigures Empty(OrganisationId id, string name, string kind) =>
        new(id, name, kind, 0, 0, 0, 0, 0, new SatisfactionFigures(0, 0, 0, null), 0, 0, 0, 0, 0, 0, null);
}
