using Alliance.Server.Features.System;
using Alliance.Server.Infrastructure;
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

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapAllianceHealth();
app.MapHangfireDashboard("/hangfire");
app.MapHub<AllianceHub>(AllianceHub.Path);
app.MapSystemApi();

await app.RunAsync();
return 0;

public partial class Program;
