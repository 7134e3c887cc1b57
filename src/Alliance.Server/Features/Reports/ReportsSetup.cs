using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Alliance.Server.Features.Reports;

public static class ReportsSetup
{
    /// <summary>The figure projection (its SaveChanges interceptor and its hourly compaction) the report and ledger operations (API and UI).</summary>
    public static IServiceCollection AddAllianceReports(this IServiceCollection services)
    {
        services.AddSingleton<IInterceptor, FigureInterceptor>();
        services.AddScoped<ReportOperations>();
        services.AddScoped<Ledger.LedgerOperations>();
        services.AddScoped<FigureCompaction>();
        services.AddHostedService<FigureCompactionStartup>();
        return services;
    }
}
