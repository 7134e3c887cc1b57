using System.Data;
using Alliance.Server.Infrastructure.Persistence;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Reports;

/// <summary>
/// Folds the deltas of each figure into one row (a recurring job, hourly by default): a figure's rows are summed into one
/// new row and deleted, figures whose rows cancel out are deleted, and every figure keeps its value. Readers sum a few
/// rows per figure instead of one per change. One transaction that sees one snapshot (PostgreSQL: repeatable read, so a
/// delta committed meanwhile is neither summed nor deleted; SQLite: its write lock), one node at a time.
/// </summary>
public sealed class FigureCompaction(AllianceDbContext db, ILogger<FigureCompaction> logger)
{
    public const string JobId = "figures-compaction";

    private const long LockKey = 0x4649475552455321; // "FIGURES!"

    private const string Keys = "\"AllianceId\", \"OrganisationId\", \"Month\", \"Metric\", \"Dimension\"";

    /// <summary>One new row per figure with several rows up to {0} (unless they cancel out)…</summary>
    private const string Fold = "INSERT INTO figure_deltas (" + Keys + ", \"Value\") SELECT " + Keys + ", SUM(\"Value\") FROM figure_deltas WHERE \"Id\" <= {0} "
        + "GROUP BY " + Keys + " HAVING COUNT(*) > 1 AND SUM(\"Value\") <> 0";

    /// <summary>…then those rows go (the new rows have larger ids).</summary>
    private const string Delete = "DELETE FROM figure_deltas WHERE \"Id\" <= {0} AND (" + Keys + ") IN (SELECT " + Keys + " FROM figure_deltas WHERE \"Id\" <= {0} "
        + "GROUP BY " + Keys + " HAVING COUNT(*) > 1)";

    /// <summary>Folds every figure that has more than one row; returns how many rows were folded away.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var folded = await db.Database.CreateExecutionStrategy().ExecuteAsync(async cancel =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(db.Database.IsNpgsql() ? IsolationLevel.RepeatableRead : IsolationLevel.Serializable, cancel);
            await TransactionLock.TakeAsync(db, LockKey, cancel);
            var max = await db.Set<FigureDelta>().MaxAsync(d => (long?)d.Id, cancel) ?? 0;
            await db.Database.ExecuteSqlRawAsync(Fold, [max], cancel);
            var deleted = await db.Database.ExecuteSqlRawAsync(Delete, [max], cancel);
            await transaction.CommitAsync(cancel);
            return deleted;
        }, cancellationToken);
        if (folded > 0)
        {
            logger.LogInformation("Figure compaction folded {Rows} delta rows", folded);
            if (db.Database.IsNpgsql())
            {
                // most of the table was just deleted and rewritten: clear the dead rows and refresh the statistics now
                // (outside the transaction, as VACUUM must be), so that the reports read the folded table at once rather
                // than after autovacuum gets to it
                await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE) figure_deltas", cancellationToken);
            }
        }

        return folded;
    }
}

internal sealed class FigureCompactionStartup(IRecurringJobManager recurring, IConfiguration configuration) : IHostedService
{
    /// <summary>How often the deltas are folded (<c>Alliance:FigureCompactionSchedule</c>, a cron expression; hourly by default).</summary>
    public const string ScheduleKey = "Alliance:FigureCompactionSchedule";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<FigureCompaction>(FigureCompaction.JobId, c => c.RunAsync(CancellationToken.None), configuration[ScheduleKey] ?? "17 * * * *");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
