using System.Globalization;
using Alliance.Server.Features.Assessments;

namespace Alliance.Server.Features.Ui.Pages.Reports;

/// <summary>An assessment's words on the pages, in the page's language.</summary>
public static class AssessmentText
{
    public static string Status(string status) => status switch
    {
        YearAssessment.Draft => UiText.L("草稿（待发布）", "Draft"),
        YearAssessment.Published => UiText.L("已发布（异议期）", "Published (objections open)"),
        YearAssessment.Submitted => UiText.L("已报区级审定", "Submitted to the district"),
        YearAssessment.Approved => UiText.L("区级已审定", "Approved"),
        _ => status,
    };

    public static string Criterion(string criterion)
    {
        var (zh, en) = AssessmentCriteria.Name(criterion);
        return UiText.L(zh, en);
    }

    public static string Grade(OrganisationScore score) => UiText.L(score.GradeZh, score.GradeEn);

    public static string Points(double? value) => value is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) : "—";

    public static string Rate(double? rate) => rate is { } r ? (r * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : UiText.L("不适用", "n/a");

    public static string ObjectionStatus(string status)
    {
        var (zh, en) = AssessmentObjection.StatusName(status);
        return UiText.L(zh, en);
    }

    public static string Weights(AssessmentWeights w)
    {
        ArgumentNullException.ThrowIfNull(w);
        return string.Join(UiText.L("，", ", "), AssessmentCriteria.All.Select(c => $"{Criterion(c)} {w.Of(c)}"))
            + UiText.L($"（资源共享满分 {w.SharingTarget} 次）", $" (sharing: full marks at {w.SharingTarget})");
    }
}
