namespace Alliance.Server.Infrastructure.Problems;

public static class ProblemsSetup
{
    private static readonly Dictionary<int, (BilingualText Title, BilingualText Detail)> Standard = new()
    {
        [StatusCodes.Status400BadRequest] = (new("请求无效", "Bad request"), new("请求格式不正确。", "The request is malformed.")),
        [StatusCodes.Status401Unauthorized] = (new("未登录", "Unauthorized"), new("请先登录。", "Sign in first.")),
        [StatusCodes.Status403Forbidden] = (new("无权操作", "Forbidden"), new("您无权执行此操作。", "You may not do this.")),
        [StatusCodes.Status404NotFound] = (new("未找到", "Not found"), new("请求的资源不存在，或您无权查看。", "The resource does not exist, or is not visible to you.")),
        [StatusCodes.Status405MethodNotAllowed] = (new("方法不允许", "Method not allowed"), new("该地址不支持此请求方法。", "This address does not accept that method.")),
        [StatusCodes.Status415UnsupportedMediaType] = (new("不支持的媒体类型", "Unsupported media type"), new("请以 JSON 提交。", "Send JSON.")),
        [StatusCodes.Status429TooManyRequests] = (new("请求过于频繁", "Too many requests"), new("请稍后再试。", "Try again later.")),
    };

    /// <summary>Problem details for every error, in Chinese and English, with a trace id.</summary>
    public static IServiceCollection AddAllianceProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var details = context.ProblemDetails;
            details.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
            if (!details.Extensions.ContainsKey("code") && details.Status is int coded)
            {
                details.Extensions["code"] = Api.ProblemCatalogue.Standard(coded);
            }

            if (!details.Extensions.ContainsKey("messages") && details.Status is int status && Standard.TryGetValue(status, out var text))
            {
                details.Title = text.Title.For(context.HttpContext);
                details.Detail ??= text.Detail.For(context.HttpContext);
                details.Extensions["messages"] = text.Detail.ToDictionary();
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }
}
