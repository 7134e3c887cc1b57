using Alliance.Workflows.Persistence.Ef;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Workflows.Tests.Support;

/// <summary>A host-like DbContext: the host's own model (<see cref="Projection"/>) plus ApplyWorkflowModel().</summary>
public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyWorkflowModel();
        modelBuilder.Entity<Projection>(p =>
        {
            p.ToTable("test_projections");
            p.HasKey(x => x.Id);
            p.HasIndex(x => new { x.InstanceId, x.Version }).IsUnique();
        });
    }
}

/// <summary>A host's row written by a commit hook: what it saw of an instance inside the runtime's transaction.</summary>
public sealed class Projection
{
    public Guid Id { get; init; }

    public Guid InstanceId { get; init; }

    public int Version { get; init; }

    public string? Status { get; init; }
}
