using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Alliance.Server.Tests.Reports;

/// <summary>
/// The FigureYears migration: a store whose figures have only month rows gets each figure's year row (yyyy00), the sum of
/// its months, so reports of whole years stay exact after the upgrade. On SQLite, and on PostgreSQL in the servers pass.
/// </summary>
public sealed class Migrating_to_year_rows
{
    [Fact]
    public async Task Gives_every_figure_a_year_row_with_the_sum_of_its_months()
    {
        var file = Path.Combine(Path.GetTempPath(), $"alliance-migrate-{Guid.NewGuid():N}.db");
        await using var sandbox = TestProfile.UsesServers ? await ServerSandbox.CreateAsync() : null;
        await using AllianceDbContext db = sandbox is null
            ? (AllianceDbContext)new SqliteAllianceDbContext(new DbContextOptionsBuilder<SqliteAllianceDbContext>().UseSqlite($"Data Source={file};Pooling=False").Options)
            : new PostgresAllianceDbContext(new DbContextOptionsBuilder<PostgresAllianceDbContext>().UseNpgsql(sandbox.PostgresConnection).Options);
        try
        {
            var migrations = db.Database.GetMigrations().ToList();
            var years = migrations.FindIndex(m => m.EndsWith("_FigureYears", StringComparison.Ordinal));
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(migrations[years - 1]);
            var (alliance, community, unit) = (AllianceId.New(), OrganisationId.New(), OrganisationId.New());
            FigureDelta Row(OrganisationId organisation, int month, string metric, string dimension, long value) =>
                new() { AllianceId = alliance, OrganisationId = organisation, Month = month, Metric = metric, Dimension = dimension, Value = value };
            db.AddRange(
                Row(community, 202511, FigureMetrics.ItemsRaised, "urgent", 2),
                Row(community, 202601, FigureMetrics.ItemsRaised, "urgent", 3),
                Row(community, 202601, FigureMetrics.ItemsRaised, "urgent", 1),
                Row(community, 202607, FigureMetrics.ItemsRaised, "urgent", 4),
                Row(community, 202607, FigureMetrics.ItemsRaised, "deliberation", 5),
                Row(unit, 202603, FigureMetrics.TasksDone, "jointTask", 7),
                Row(unit, 202603, FigureMetrics.TasksOverdue, "jointTask", 1),
                Row(unit, 202604, FigureMetrics.TasksOverdue, "jointTask", -1));
            await db.SaveChangesAsync();

            await migrator.MigrateAsync();

            var yearRows = (await db.Set<FigureDelta>().AsNoTracking().Where(d => d.Month % 100 == 0).ToListAsync())
                .Select(d => (d.OrganisationId, d.Month, d.Metric, d.Dimension, d.Value)).OrderBy(d => d.ToString(), StringComparer.Ordinal).ToList();
            Assert.Equal(
                new[]
                {
                    (community, 202500, FigureMetrics.ItemsRaised, "urgent", 2L),
                    (community, 202600, FigureMetrics.ItemsRaised, "deliberation", 5L),
                    (community, 202600, FigureMetrics.ItemsRaised, "urgent", 8L),
                    (unit, 202600, FigureMetrics.TasksDone, "jointTask", 7L),
                }.OrderBy(d => d.ToString(), StringComparer.Ordinal),
                yearRows);
            Assert.Equal(8, await db.Set<FigureDelta>().CountAsync(d => d.Month % 100 != 0));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
            File.Delete(file);
        }
    }
}
