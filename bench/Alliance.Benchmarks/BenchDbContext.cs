using Alliance.Workflows.Persistence.Ef;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Benchmarks;

/// <summary>A host-like context: only the runtime's model, as the server's context adds it.</summary>
internal sealed class BenchDbContext(DbContextOptions<BenchDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyWorkflowModel();
}
