using Microsoft.AspNetCore.Hosting;

namespace Alliance.Server.Tests.Infrastructure;

/// <summary>
/// A host started on the storage of another (its SQLite file, or its PostgreSQL database, RabbitMQ virtual host and
/// Redis prefix): the node coming back after <paramref name="first"/> went down.
/// </summary>
public sealed class RestartedNode(AllianceAppFactory first) : AllianceAppFactory
{
    public override Task InitializeAsync()
    {
        _ = Server;
        return Task.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (first.Sandbox is { } sandbox)
        {
            builder.UseSetting("Alliance:Database", "Postgres");
            builder.UseSetting("Alliance:Postgres", sandbox.PostgresConnection);
            builder.UseSetting("Alliance:Bus", "RabbitMq");
            builder.UseSetting("Alliance:RabbitMq", sandbox.RabbitMqUri);
            builder.UseSetting("Alliance:Jobs", "PostgreSql");
            builder.UseSetting("Alliance:Redis", sandbox.RedisConfiguration);
        }
        else
        {
            builder.UseSetting("Alliance:Sqlite", $"Data Source={first.SqlitePath}");
        }
    }
}
