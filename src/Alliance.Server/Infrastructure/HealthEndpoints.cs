using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Alliance.Server.Infrastructure;

public static class HealthEndpoints
{
    /// <summary>
    /// <c>/health/live</c>: the process answers (never asks a dependency). <c>/health/ready</c>: the database and the bus
    /// are usable; 503 when either is not, degraded included (MassTransit says degraded while its broker is away), and
    /// within a second, since every check is bounded (<see cref="Reliability.BoundedHealthChecks"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapAllianceHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteReport,
        });
        return app;
    }

    private static Task WriteReport(HttpContext http, HealthReport report) =>
        http.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
}
