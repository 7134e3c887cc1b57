using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Alliance.Server.Infrastructure.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's context without starting the host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAllianceDbContext>
{
    public SqliteAllianceDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAllianceDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAllianceDbContext>
{
    public PostgresAllianceDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAllianceDbContext>().UseNpgsql("Host=127.0.0.1;Database=design").Options);
}
