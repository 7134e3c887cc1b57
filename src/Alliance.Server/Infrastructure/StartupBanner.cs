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

            Console.WriteLine();
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
