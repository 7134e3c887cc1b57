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

    public static async Task<IResult> PublishNotice(NoticeRequest request, AccessScope scope, IPublishEndpoint bus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        scope.DemandDistrictAdmin();
        var errors = new Dictionary<string, BilingualText>();
        if (string.IsNullOrWhiteSpace(request.TextZh))
        {
            errors["textZh"] = new("请填写中文通知内容。", "The Chinese text is required.");
        }

        if (string.IsNullOrWhiteSpace(request.TextEn))
        {
            errors["textEn"] = new("请填写英文通知内容。", "The English text is required.");
        }

        if (errors.Count > 0)
        {
            throw new ValidationProblem(errors);
        }

        var notice = new SystemNoticePublished(request.TextZh!.Trim(), request.TextEn!.Trim());
        await bus.Publish(notice, cancellationToken);
        return TypedResults.Accepted((string?)null, new { id = notice.EventId });
    }
}
