using Microsoft.AspNetCore.Diagnostics;
using Alliance.Server.Infrastructure.Reliability;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Server.Infrastructure.Problems;

/// <summary>The one exception handler: every error leaves as bilingual problem details.</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var details = exception switch
        {
            AllianceProblemException p => FromProblem(httpContext, p),
            Alliance.Workflows.Runtime.WorkflowConflictException w => FromProblem(httpContext, WorkflowConflictProblems.ToProblem(w)),
            BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad => FromProblem(httpContext, Api.JsonProblems.ToProblem(httpContext, bad)),
            BadHttpRequestException bad => FromText(httpContext, bad.StatusCode, "bad-request",
                new("请求无效", "Bad request"), new("请求格式不正确。", bad.Message)),
            _ when TransientFaults.Classify(exception) is { } unavailable => FromUnavailable(httpContext, unavailable, exception),
            _ => null,
        };

        if (details is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            details = FromText(httpContext, StatusCodes.Status500InternalServerError, "internal",
                new("服务器内部错误", "Internal server error"),
                new("服务器处理请求时出错，已记录。", "The server failed to process the request; the error has been logged."));
        }

        httpContext.Response.StatusCode = details.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }

    /// <summary>A dependency is briefly down: 503 with <c>Retry-After</c>, logged as a warning (no stack: it is an outage, not a defect).</summary>
    private ProblemDetails FromUnavailable(HttpContext http, ServiceUnavailableProblem unavailable, Exception cause)
    {
        logger.LogWarning("{Code} on {Method} {Path}: {Error}", unavailable.Code, http.Request.Method, http.Request.Path, cause.GetBaseException().Message);
        return FromProblem(http, unavailable);
    }

    private static ProblemDetails FromProblem(HttpContext http, AllianceProblemException p)
    {
        if (p is ServiceUnavailableProblem unavailable)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(unavailable.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var details = FromText(http, p.Status, p.Code, p.Title, p.Detail);
        if (p is ValidationProblem v)
        {
            details.Extensions["errors"] = v.Errors.ToDictionary(e => e.Key, e => e.Value.ToDictionary());
        }

        return details;
    }

    private static ProblemDetails FromText(HttpContext http, int status, string code, BilingualText title, BilingualText detail)
    {
        var details = new ProblemDetails { Status = status, Title = title.For(http), Detail = detail.For(http) };
        details.Extensions["code"] = code;
        details.Extensions["messages"] = detail.ToDictionary();
        return details;
    }
}
