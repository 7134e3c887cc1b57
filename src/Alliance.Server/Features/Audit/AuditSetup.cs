using Alliance.Server.Infrastructure.Messaging.Outbox;

namespace Alliance.Server.Features.Audit;

public static class AuditSetup
{
    /// <summary>The audit trail (entries written unsealed with each change) and its sealer, woken by the commits that wrote entries.</summary>
    public static IServiceCollection AddAllianceAudit(this IServiceCollection services)
    {
        services.AddScoped<AuditTrail>();
        services.AddSingleton<AuditSealWakeUp>();
        services.AddCommitWakeUp<AuditEntry, AuditSealWakeUp>();
        services.AddSingleton<AuditSealer>();
        services.AddHostedService<AuditSealLoop>();
        return services;
    }
}
