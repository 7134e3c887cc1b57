using Alliance.Contracts.System;
using Alliance.Server.Features.Access;
using Alliance.Server.Infrastructure.Problems;
using MassTransit;

namespace Alliance.Server.Features.System;

public static class SystemApi
{
    public static IEndpointRouteBuilder MapSystemApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/system").WithTags("System").RequireAuthorization();
        api.MapPost("/notices", PublishNotice)
            .Produces(StatusCodes.Status202Accepted)
            .WithName("PublishSystemNotice")
            .WithSummary("Broadcast a notice to every connected client (district admin) / 向所有在线用户发布系统通知（区级管理员）");
        return app;
    }

    public sealed record NoticeRequest(string? TextZh, string? TextEn);

    /// <summary>The longest notice text (a long text: line breaks allowed).</summary>
    public const int NoticeLength = 1000;

    public static async Task<IResult> PublishNotice(NoticeRequest request, AccessScope scope, IPublishEndpoint bus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        scope.DemandDistrictAdmin();
        new FieldErrors()
            .Text("textZh", request.TextZh, new("中文通知内容", "Chinese text"), NoticeLength)
            .Text("textEn", request.TextEn, new("英文通知内容", "English text"), NoticeLength)
            .ThrowIfAny();

        var notice = new SystemNoticePublished(request.TextZh!.Trim(), request.TextEn!.Trim());
        await bus.Publish(notice, cancellationToken);
        return TypedResults.Accepted((string?)null, new { id = notice.EventId });
    }
}
