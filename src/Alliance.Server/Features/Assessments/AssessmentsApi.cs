using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Bulletins;
using Alliance.Server.Features.Organisations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Server.Features.Assessments;

/// <summary><c>/api/assessments</c>: 年度考核, thin over <see cref="AssessmentOperations"/> (the pages call the same).</summary>
public static class AssessmentsApi
{
    public sealed record ComputeAssessmentRequest(AllianceId Alliance, int? Year);

    public sealed record ObjectionRequest(OrganisationId Organisation, string? Criterion, string? Reason);

    public sealed record RulingRequest(bool? Upheld, double? Adjustment, string? Ruling);

    public sealed record DecisionRequest(string? Note);

    public static IEndpointRouteBuilder MapAssessmentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/assessments").WithTags("Assessments").RequireAuthorization();
        api.MapGet("/", List).WithName("ListAssessments")
            .WithSummary("Year-end assessments the caller may read: every one of the street for the street and the district, published ones for the scored / 年度考核列表");
        api.MapPost("/", Compute).WithName("ComputeAssessment")
            .WithSummary("The street's chair computes the year's assessment (a draft) by the street alliance's weights / 计算年度考核")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/{id:guid}", Get).WithName("GetAssessment")
            .WithSummary("One assessment: weights, year-end lines and every score for the street and the district; the caller's own score otherwise / 年度考核详情");
        api.MapGet("/{id:guid}/scores/{organisation}", Score).WithName("GetAssessmentScore")
            .WithSummary("One organisation's score, each criterion with its points and the ledger entries behind it; 404 for another unit's / 单位得分及依据");
        api.MapGet("/{id:guid}/assessment.xlsx", Xlsx).WithName("DownloadAssessmentXlsx")
            .WithSummary("The assessment as .xlsx (overview, scores, the evidence of every point, objections), as much as the caller may read / 下载考核（Excel）")
            .Produces(StatusCodes.Status200OK, contentType: BulletinFiles.XlsxType);
        api.MapGet("/{id:guid}/assessment.docx", Docx).WithName("DownloadAssessmentDocx")
            .WithSummary("The year-end report as .docx: the year's figure lines, weights, scores, objections and the district's note / 下载年度考核报告（Word）")
            .Produces(StatusCodes.Status200OK, contentType: BulletinFiles.DocxType);
        api.MapPost("/{id:guid}/recompute", Recompute).WithName("RecomputeAssessment")
            .WithSummary("The chair computes the draft again from today's figures; 409 once published / 重新计算").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/publish", Publish).WithName("PublishAssessment")
            .WithSummary("The chair publishes the scores; each organisation is told and may object within the window / 发布考核结果").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/objections", Object).WithName("ObjectToAssessment")
            .WithSummary("A community or unit objects to its own score, once, within the window; 409 after it / 提出异议").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/objections/{objection:guid}/ruling", Rule).WithName("RuleOnObjection")
            .WithSummary("The street's chair upholds (with an adjustment) or rejects an objection / 裁决异议").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/submit", Submit).WithName("SubmitAssessment")
            .WithSummary("The chair submits it to the district once the window has closed and every objection is ruled on / 报区级审定").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/approve", Approve).WithName("ApproveAssessment")
            .WithSummary("The district approves the submitted assessment; it is final / 区级审定").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/return", Return).WithName("ReturnAssessment")
            .WithSummary("The district returns the submitted assessment to the chair with a note / 退回").ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Ok<List<AssessmentSummary>>> List(AccessScope scope, AssessmentOperations assessments, CancellationToken cancellationToken) =>
        TypedResults.Ok(await assessments.ListAsync(scope, cancellationToken));

    public static async Task<Created<AssessmentView>> Compute(ComputeAssessmentRequest request, AccessScope scope, AssessmentOperations assessments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var view = await assessments.ComputeAsync(scope, request.Alliance, request.Year, cancellationToken);
        return TypedResults.Created($"/api/assessments/{view.Assessment.Id:D}", view);
    }

    public static async Task<Ok<AssessmentView>> Get(Guid id, AccessScope scope, AssessmentOperations assessments, CancellationToken cancellationToken) =>
        TypedResults.Ok(await assessments.GetAsync(scope, id, cancellationToken));

    public static async Task<Ok<OrganisationScore>> Score(Guid id, OrganisationId organisation, AccessScope scope, AssessmentOperations assessments, CancellationToken cancellationToken) =>
        TypedResults.Ok(await assessments.ScoreAsync(scope, id, organisation, cancellationToken));

    public static async Task<FileContentHttpResult> Xlsx(Guid id, AccessScope scope, AssessmentOperations assessments, CancellationToken cancellationToken)
    {
        var view = await assessments.GetAsync(scope, id, cancellationToken);
        return TypedResults.File(AssessmentFiles.Xlsx(view), BulletinFiles.XlsxType, AssessmentFiles.FileName(view, "xlsx"));
    }

    public static async Task<FileContentHttpResult> Docx(Guid id, AccessScope scope, AssessmentOperations assessments, CancellationToken cancellationToken)
    {
        var view = await assessments.GetAsync(scope, id, cancellationToken);
        return TypedResults.File(AssessmentFiles.Docx(view), BulletinFiles.DocxType, AssessmentFiles.FileName(view, "docx"));
    }

    public static async Task<Ok<AssessmentView>> Recompute(Guid id, AccessScope scope, AssessmentOperations assessments, CancellationToken cancellationToken) =>
        TypedResults.Ok(await assessments.RecomputeAsync(scope, id, cancellationToken));

    public static async Task<Ok<AssessmentView>> Publish(Guid id, AccessScope scope, AssessmentOperations assessments, CancellationToken cancellationToken) =>
        TypedResults.Ok(await assessments.PublishAsync(scope, id, cancellationToken));

    public static async Task<Created<ObjectionView>> Object(Guid id, ObjectionRequest request, AccessScope scope, AssessmentOperations assessments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var view = await assessments.ObjectAsync(scope, id, request.Organisation, request.Criterion, request.Reason, cancellationToken);
        return TypedResults.Created($"/api/assessments/{id:D}", view);
    }

    public static async Task<Ok<ObjectionView>> Rule(Guid id, Guid objection, RulingRequest request, AccessScope scope, AssessmentOperations assessments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TypedResults.Ok(await assessments.RuleAsync(scope, id, objection, request.Upheld, request.Adjustment, request.Ruling, cancellationToken));
    }

    public static async Task<Ok<AssessmentView>> Submit(Guid id, AccessScope scope, AssessmentOperations assessments, CancellationToken cancellationToken) =>
        TypedResults.Ok(await assessments.SubmitAsync(scope, id, cancellationToken));

    public static async Task<Ok<AssessmentView>> Approve(Guid id, DecisionRequest? request, AccessScope scope, AssessmentOperations assessments, CancellationToken cancellationToken) =>
        TypedResults.Ok(await assessments.DecideAsync(scope, id, approve: true, request?.Note, cancellationToken));

    public static async Task<Ok<AssessmentView>> Return(Guid id, DecisionRequest request, AccessScope scope, AssessmentOperations assessments, CancellationToken cancellationToken) =>
        TypedResults.Ok(await assessments.DecideAsync(scope, id, approve: false, request.Note, cancellationToken));
}
