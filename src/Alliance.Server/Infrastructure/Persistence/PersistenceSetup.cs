using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Alliance.Server.Infrastructure.Persistence;

public static class PersistenceSetup
{
    public static IServiceCollection AddAlliancePersistence(this IServiceCollection services, AllianceOptions options)
    {
        // A scoped context for request handlers, and a factory (same options) for singletons such as the
        // workflow store, which open a short-lived context per operation.
        if (options.Database == DatabaseProvider.Postgres)
        {
            Register<PostgresAllianceDbContext>(services, (provider, db) => db
                .UseNpgsql(options.Postgres, npgsql => npgsql.EnableRetryOnFailure(3))
                .AddInterceptors(provider.GetServices<IInterceptor>()));
        }
        else
        {
            EnsureSqliteFolder(options.Sqlite);
            Register<SqliteAllianceDbContext>(services, (provider, db) => db
                .UseSqlite(options.Sqlite)
                .AddInterceptors(provider.GetServices<IInterceptor>()));
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
