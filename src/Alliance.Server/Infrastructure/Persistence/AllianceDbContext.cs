using Alliance.Server.Features.Agreements;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Messaging;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Alliance.Workflows.Persistence.Ef;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Infrastructure.Persistence;

/// <summary>
/// The one unit of work of the server, including ASP.NET Core Identity's user tables and the Data Protection
/// key ring (shared by every node). Provider-specific subclasses exist only so that each provider keeps its
/// own migration set (Migrations/Sqlite, Migrations/Postgres).
/// </summary>
public abstract class AllianceDbContext(DbContextOptions options)
    : IdentityUserContext<AllianceUser, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<ProcessedMessage> ProcessedMessages => Set<ProcessedMessage>();

    public DbSet<Organisation> Organisations => Set<Organisation>();

    public DbSet<PartyAlliance> Alliances => Set<PartyAlliance>();

    public DbSet<AllianceMembership> AllianceMemberships => Set<AllianceMembership>();

    public DbSet<Agreement> Agreements => Set<Agreement>();

    public DbSet<RoleGrant> RoleGrants => Set<RoleGrant>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Every strongly typed id of the server (<see cref="IStronglyTypedId{TSelf}"/>), stored as its Guid.</summary>
    internal static readonly Type[] StronglyTypedIdTypes = [.. typeof(AllianceDbContext).Assembly.GetTypes()
        .Where(t => t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IStronglyTypedId<>)))];

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        foreach (var id in StronglyTypedIdTypes)
        {
            configurationBuilder.Properties(id).HaveConversion(typeof(StronglyTypedIdValueConverter<>).MakeGenericType(id));
        }

        configurationBuilder.Properties<Enum>().HaveConversion<string>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        var modelBuilder = builder;
        ArgumentNullException.ThrowIfNull(modelBuilder);
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<AllianceUser>().ToTable("users");
        modelBuilder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        modelBuilder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        modelBuilder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AllianceDbContext).Assembly);
        modelBuilder.ApplyWorkflowModel();
    }
}

public sealed class SqliteAllianceDbContext(DbContextOptions<SqliteAllianceDbContext> options) : AllianceDbContext(options);

public sealed class PostgresAllianceDbContext(DbContextOptions<PostgresAllianceDbContext> options) : AllianceDbContext(options);
