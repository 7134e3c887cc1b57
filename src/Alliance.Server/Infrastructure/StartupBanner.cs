using Alliance.Server.Features.Demo;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Alliance.Server.Infrastructure;

/// <summary>Prints, once the server listens, where to open it and which providers it runs on.</summary>
internal sealed class StartupBanner(IServer server, IHostApplicationLifetime lifetime, AllianceOptions options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var url = addresses.FirstOrDefault()?.Replace("0.0.0.0", "localhost", StringComparison.Ordinal)
                .Replace("[::]", "localhost", StringComparison.Ordinal);
            Console.WriteLine();
            Console.WriteLine($"Alliance 区域化党建联盟 is running: database={options.Database}, bus={options.Bus}, jobs={options.Jobs}, redis={(string.IsNullOrWhiteSpace(options.Redis) ? "off" : "on")}");
            if (url is not null)
            {
                Console.WriteLine($"  Open {url}/   (health: {url}/health/ready, API: {url}/openapi/v1.json)");
            }

            if (options.DemoData)
            {
                WriteDemoUsers();
            }

            Console.WriteLine();
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The demo region's people by role, and their one password (only with Alliance:DemoData=true).</summary>
    private static void WriteDemoUsers()
    {
        Console.WriteLine($"  Demo data is on (江滨区). Every demo user's password: {DemoUsers.Password}");
        var byRole = DemoRegion.People
            .SelectMany(p => p.Roles.Select(r => (r.Role, p.UserName, p.DisplayName)))
            .GroupBy(x => x.Role)
            .OrderBy(g => g.Key);
        foreach (var group in byRole)
        {
            var names = group.Select(x => $"{x.UserName}({x.DisplayName})").Distinct(StringComparer.Ordinal);
            Console.WriteLine($"    {group.Key,-18} {string.Join(", ", names)}");
        }
    }
}
