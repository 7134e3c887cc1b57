using Alliance.Workflows.Persistence.Ef;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Workflows.Tests.Support;

/// <summary>A host-like DbContext: the host's own model plus ApplyWorkflowModel().</summary>
internal sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyWorkflowModel();
}
