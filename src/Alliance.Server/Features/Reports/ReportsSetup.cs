using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Alliance.Server.Features.Reports;

public static class ReportsSetup
{
    /// <summary>The figure projection (its SaveChanges interceptor) and the report operations (API and UI).</summary>
    public static IServiceCollection AddAllianceReports(this IServiceCollection services)
    {
        services.AddSingleton<IInterceptor, FigureInterceptor>();
        services.AddScoped<ReportOperations>();
        return services;
    }
}
