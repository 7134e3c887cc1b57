using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Infrastructure.Persistence;

public static class PersistenceSetup
{
    public static IServiceCollection AddAlliancePersistence(this IServiceCollection services, AllianceOptions options)
    {
        if (options.Database == DatabaseProvider.Postgres)
        {
            services.AddDbContext<AllianceDbContext, PostgresAllianceDbContext>(db =>
                db.UseNpgsql(options.Postgres, npgsql => npgsql.EnableRetryOnFailure(3)));
        }
        else
        {
            EnsureSqliteFolder(options.Sqlite);
            services.AddDbContext<AllianceDbContext, SqliteAllianceDbContext>(db => db.UseSqlite(options.Sqlite));
        }

        services.AddHealthChecks().AddDbContextCheck<AllianceDbContext>("database", tags: ["ready"]);
        return services;
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
