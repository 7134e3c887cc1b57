using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Alliance.Server.Tests.Infrastructure;

/// <summary>
/// The server under test, on the provider set of the current <see cref="TestProfile"/>: a fresh SQLite file
/// per host in the embedded pass, a fresh <see cref="ServerSandbox"/> in the servers pass. Time is a
/// <see cref="FakeTimeProvider"/> that tests move.
/// </summary>
public class AllianceAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _sqlitePath = Path.Combine(Path.GetTempPath(), $"alliance-test-{Guid.NewGuid():N}.db");

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero));

    public ServerSandbox? Sandbox { get; private set; }

    /// <summary>Seeds the demo region; on by default because most tests act as its users.</summary>
    protected virtual bool DemoData => true;

    public virtual async Task InitializeAsync()
    {
        if (TestProfile.UsesServers)
        {
            Sandbox = await ServerSandbox.CreateAsync();
        }

        _ = Server; // start the host now, so that a failure to start fails the fixture
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }

        foreach (var file in new[] { _sqlitePath, _sqlitePath + "-wal", _sqlitePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Alliance:DemoData", DemoData ? "true" : "false");
        if (Sandbox is not null)
        {
            builder.UseSetting("Alliance:Database", "Postgres");
            builder.UseSetting("Alliance:Postgres", Sandbox.PostgresConnection);
            builder.UseSetting("Alliance:Bus", "RabbitMq");
            builder.UseSetting("Alliance:RabbitMq", Sandbox.RabbitMqUri);
            builder.UseSetting("Alliance:Jobs", "PostgreSql");
            builder.UseSetting("Alliance:Redis", Sandbox.RedisConfiguration);
        }
        else
        {
            builder.UseSetting("Alliance:Database", "Sqlite");
            builder.UseSetting("Alliance:Sqlite", $"Data Source={_sqlitePath}");
            builder.UseSetting("Alliance:Bus", "InMemory");
            builder.UseSetting("Alliance:Jobs", "InMemory");
            builder.UseSetting("Alliance:Redis", "");
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
        });
    }
}
