using Alliance.Server.Features.Assessments;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Agreements;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Auth;
using Alliance.Server.Features.Bulletins;
using Alliance.Server.Features.Commitments;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Ledger;
using Alliance.Server.Features.Lists;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Meetings;
using Alliance.Server.Features.Live;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Features.Reports;
using Alliance.Server.Features.Resources;
using Alliance.Server.Features.Supervision;
using Alliance.Server.Features.System;
using Alliance.Server.Features.Ui;
using Alliance.Server.Features.Workflows;
using Alliance.Server.Infrastructure;
using Alliance.Server.Infrastructure.Api;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Realtime;
using Hangfire;

var builder = WebApplication.CreateBuilder(args);
try
{
    builder.AddAllianceServer();
}
catch (AllianceConfigurationException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var app = builder.Build();
await app.Services.MigrateAllianceDatabaseAsync();
await app.Services.RebuildFiguresIfMissingAsync();
await app.Services.SeedDemoRegionAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAllianceAccess();
app.UseAllianceApiContract();
app.UseAllianceUi();
app.MapOpenApi();
app.MapAllianceHealth();
app.MapHangfireDashboard("/hangfire", DistrictAdminDashboardFilter.CreateOptions());
app.MapHub<AllianceHub>(AllianceHub.Path);
app.MapAllianceUi();
app.MapSystemApi();
app.MapAuthApi();
app.MapOrganisationsApi();
app.MapAlliancesApi();
app.MapAgreementsApi();
app.MapResourceFiguresApi();
app.MapResourcesApi();
app.MapBookingsApi();
app.MapEmergencyApi();
app.MapPeopleApi();
app.MapAuditApi();
app.MapSupervisionApi();
app.MapLedgerApi();
app.MapItemsApi();
app.MapMeetingsApi();
app.MapReportsApi();
app.MapBulletinsApi();
app.MapAssessmentsApi();
app.MapTasksApi();
app.MapCommitmentsApi();
app.MapNeedsApi();
app.MapProjectsApi();
app.MapWorkflowOperationsApi();
app.MapStreamsApi();
app.MapNotificationsApi();

await app.RunAsync();
return 0;

public partial class Program;
