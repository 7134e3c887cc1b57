using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Alliance.Server.Infrastructure.Persistence;

public static class PersistenceSetup
{
    public static IServiceCollection AddAlliancePersistence(this IServiceCollection services, AllianceOptions options)
    {
        // A scoped context for request handlers, and a factory (same options) for singletons such as the
        // workflow store, which open a short-lived context per operation.
        if (options.Database == DatabaseProvider.Postgres)
        {
            var postgres = WithAutoPrepare(options.Postgres!);
            Register<PostgresAllianceDbContext>(services, (provider, db) => db
                .UseNpgsql(postgres, npgsql => npgsql.EnableRetryOnFailure(3))
                .AddInterceptors(provider.GetServices<IInterceptor>()));
        }
        else
        {
            EnsureSqliteFolder(options.Sqlite);
            Register<SqliteAllianceDbContext>(services, (provider, db) => db
                .UseSqlite(options.Sqlite)
                .AddInterceptors(provider.GetServices<IInterceptor>())
                .AddInterceptors(new SqliteBusyWait()));
        }

        services.AddHealthChecks().AddDbContextCheck<AllianceDbContext>("database", tags: ["ready"]);
        return services;
    }

    private static void Register<TContext>(IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> configure)
        where TContext : AllianceDbContext
    {
        services.AddDbContextFactory<TContext>(configure);
        services.AddDbContext<AllianceDbContext, TContext>(configure, ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        services.AddSingleton<IDbContextFactory<AllianceDbContext>>(provider => new UpcastFactory<TContext>(provider.GetRequiredService<IDbContextFactory<TContext>>()));
    }

    private sealed class UpcastFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<AllianceDbContext>
        where TContext : AllianceDbContext
    {
        public AllianceDbContext CreateDbContext() => inner.CreateDbContext();
    }

    /// <summary>Applies the provider's migrations; on SQLite also turns on WAL so readers never block the writer.</summary>
    public static async Task MigrateAllianceDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    /// <summary>
    /// Npgsql's automatic preparation for the store's connections, unless the connection string sets it: statements
    /// run twice on a connection are prepared on the server, which the workflow store's group commits (the same few
    /// statements, batched) gain most from (docs/benchmarks.md: PostgreSQL steps/s +12–23 %). Not for PgBouncer in
    /// transaction mode, where prepared statements do not survive; set <c>Max Auto Prepare=0</c> there.
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Contains(connectionString, "Max Auto Prepare") && !Contains(connectionString, "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 50;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;

        static bool Contains(string text, string key) => text.Contains(key, StringComparison.OrdinalIgnoreCase);
    }

    private static void EnsureSqliteFolder(string connectionString)
    {
        var path = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder) && path != ":memory:")
        {
            Directory.CreateDirectory(folder);
        }
    }
}
