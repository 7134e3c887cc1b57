using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Server.Features.Bulletins;

/// <summary><c>/api/reports/bulletins</c>: 逐月通报, thin over <see cref="BulletinOperations"/> (the pages call the same).</summary>
public static class BulletinsApi
{
    public sealed record GenerateBulletinRequest(AllianceId Alliance, string? Month);

    public sealed record PublishBulletinRequest(string? Note);

    public static IEndpointRouteBuilder MapBulletinsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/reports/bulletins").WithTags("Reports").RequireAuthorization();
        api.MapGet("/", List).WithName("ListBulletins")
            .WithSummary("Monthly bulletins the caller may read: drafts for the street and the district, published ones for members / 逐月通报列表");
        api.MapPost("/", Generate).WithName("GenerateBulletin")
            .WithSummary("The street's chair writes the draft of an ended month that has none (the job writes each on the first working day) / 生成通报")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/{id:guid}", Get).WithName("GetBulletin").WithSummary("One bulletin: figures, red/yellow/green ranking, overdue work / 通报详情");
        api.MapPost("/{id:guid}/regenerate", Regenerate).WithName("RegenerateBulletin")
            .WithSummary("The street's chair writes the draft again from today's figures; 409 once published / 重新生成通报")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/publish", Publish).WithName("PublishBulletin")
            .WithSummary("The street's chair publishes the reviewed draft to the members, who are told; 409 once published / 审核发布通报")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/{id:guid}/bulletin.xlsx", Xlsx).WithName("DownloadBulletinXlsx").WithSummary("The bulletin as .xlsx / 下载通报（Excel）")
            .Produces(StatusCodes.Status200OK, contentType: BulletinFiles.XlsxType);
        api.MapGet("/{id:guid}/bulletin.docx", Docx).WithName("DownloadBulletinDocx").WithSummary("The bulletin as .docx / 下载通报（Word）")
            .Produces(StatusCodes.Status200OK, contentType: BulletinFiles.DocxType);
        return app;
    }

    public static async Task<Ok<List<BulletinSummary>>> List(AccessScope scope, BulletinOperations bulletins, CancellationToken cancellationToken, AllianceId? alliance = null) =>
        TypedResults.Ok(await bulletins.ListAsync(scope, alliance, cancellationToken));

    public static async Task<Created<BulletinView>> Generate(GenerateBulletinRequest request, AccessScope scope, BulletinOperations bulletins, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var view = await bulletins.GenerateAsync(scope, request.Alliance, request.Month, cancellationToken);
        return TypedResults.Created($"/api/reports/bulletins/{view.Bulletin.Id:D}", view);
    }

    public static async Task<Ok<BulletinView>> Get(Guid id, AccessScope scope, BulletinOperations bulletins, CancellationToken cancellationToken) =>
        TypedResults.Ok(await bulletins.GetAsync(scope, id, cancellationToken));

    public static async Task<Ok<BulletinView>> Regenerate(Guid id, AccessScope scope, BulletinOperations bulletins, CancellationToken cancellationToken) =>
        TypedResults.Ok(await bulletins.RegenerateAsync(scope, id, cancellationToken));

    public static async Task<Ok<BulletinView>> Publish(Guid id, PublishBulletinRequest? request, AccessScope scope, BulletinOperations bulletins, CancellationToken cancellationToken) =>
        TypedResults.Ok(await bulletins.PublishAsync(scope, id, request?.Note, cancellationToken));

    public static async Task<FileContentHttpResult> Xlsx(Guid id, AccessScope scope, BulletinOperations bulletins, CancellationToken cancellationToken)
    {
        var (bulletin, content) = await bulletins.DocumentAsync(scope, id, cancellationToken);
        return TypedResults.File(BulletinFiles.Xlsx(bulletin, content), BulletinFiles.XlsxType, BulletinFiles.FileName(bulletin, "xlsx"));
    }

    public static async Task<FileContentHttpResult> Docx(Guid id, AccessScope scope, BulletinOperations bulletins, CancellationToken cancellationToken)
    {
        var (bulletin, content) = await bulletins.DocumentAsync(scope, id, cancellationToken);
        return TypedResults.File(BulletinFiles.Docx(bulletin, content), BulletinFiles.DocxType, BulletinFiles.FileName(bulletin, "docx"));
    }
}
