using Alliance.Server.Features.Access;
using Alliance.Server.Features.Assessments;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Auth;
using Alliance.Server.Features.Bulletins;
using Alliance.Server.Features.Commitments;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Meetings;
using Alliance.Server.Features.Reports;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Features.Resources;
using Alliance.Server.Features.Ui;
using Alliance.Server.Infrastructure.Api;
using Alliance.Server.Infrastructure.Jobs;
using Alliance.Server.Infrastructure.Messaging;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Infrastructure.Reliability;
using Alliance.Server.Infrastructure.Workflows;


namespace Alliance.Server.Infrastructure;

public static class ServerSetup
{
    /// <summary>Reads the switches once and wires each one to the real thing.</summary>
    public static AllianceOptions AddAllianceServer(this WebApplicationBuilder builder)
    {
        var options = AllianceOptionsReader.Read(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddAllianceProblems();
        services.AddAllianceApiContract();
        services.AddAllianceOpenApi();
        services.AddAllianceTelemetry(builder.Configuration);
        services.AddAllianceReliability();
        services.AddAlliancePersistence(options);
        services.AddAllianceAuth(options);
        services.AddAllianceAccess();
        services.AddAllianceAudit();
        services.AddAllianceMessaging(options);
        services.AddAllianceOutbox();
        services.AddAllianceJobs(options);
        services.AddAllianceRealtime(options);
        services.AddAllianceWorkflows(options);
        services.AddAllianceItems();
        services.AddAllianceCommitments();
        services.AddAllianceResources();
        services.AddAllianceMeetings();
        services.AddAllianceReports();
        services.AddAllianceBulletins();
        services.AddAllianceAssessments();
        services.AddAllianceNotifications(options);
        services.AddAllianceUi();
        services.AddHostedService<StartupBanner>();
        return options;
    }
}
