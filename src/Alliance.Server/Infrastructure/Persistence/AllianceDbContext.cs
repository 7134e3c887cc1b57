using Alliance.Server.Infrastructure.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Infrastructure.Persistence;

/// <summary>
/// The one unit of work of the server. Provider-specific subclasses exist only so that each provider
/// keeps its own migration set (Migrations/Sqlite, Migrations/Postgres).
/// </summary>
public abstract class AllianceDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<ProcessedMessage> ProcessedMessages => Set<ProcessedMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AllianceDbContext).Assembly);
    }
}

public sealed class SqliteAllianceDbContext(DbContextOptions<SqliteAllianceDbContext> options) : AllianceDbContext(options);

public sealed class PostgresAllianceDbContext(DbContextOptions<PostgresAllianceDbContext> options) : AllianceDbContext(options);
