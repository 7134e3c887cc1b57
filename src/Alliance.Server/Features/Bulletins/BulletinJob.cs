using System.Text.Json;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Persistence;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Bulletins;

/// <summary>
/// Generates last month's bulletin of every active street alliance once this month's first working day (China time,
/// <see cref="WorkingDays"/>) has come. It runs every hour, so a host that was down on that day catches up within the
/// hour after it starts (not at once: a start-up run landed in the first seconds of every node, beside its warm-up); a
/// bulletin that exists is left alone, and the unique (alliance, month) index lets exactly one of
/// two nodes that write the same bulletin at once keep it.
/// </summary>
public sealed class BulletinJob(AllianceDbContext db, BulletinBuilder builder, WorkingDays days, TimeProvider time, ILogger<BulletinJob> logger)
{
    public const string JobId = "monthly-bulletins";

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>How many bulletins it wrote.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, ReportMonth.ChinaTime).DateTime);
        var thisMonth = ReportMonth.Of(now);
        if (today < days.FirstOf(thisMonth))
        {
            return 0;
        }

        var month = ReportMonth.Previous(thisMonth);
        var streets = await db.Alliances.AsNoTracking().Where(a => a.Level == AllianceLevel.Street && a.Status == AllianceStatus.Active).ToListAsync(cancellationToken);
        var done = await db.Set<MonthlyBulletin>().AsNoTracking().Where(b => b.Month == month).Select(b => b.AllianceId).ToListAsync(cancellationToken);
        var written = 0;
        foreach (var street in streets.Where(s => !done.Contains(s.Id)))
        {
            written += await WriteAsync(street, month, cancellationToken) is null ? 0 : 1;
        }

        if (written > 0)
        {
            logger.LogInformation("Wrote {Count} monthly bulletins for {Month}", written, ReportMonth.Text(month));
        }

        return written;
    }

    /// <summary>Writes the draft of one street alliance's month; null when it exists already (or another node wrote it just now).</summary>
    public async Task<MonthlyBulletin?> WriteAsync(PartyAlliance street, int month, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(street);
        var content = await builder.BuildAsync(street, month, cancellationToken);
        var now = time.GetUtcNow();
        var bulletin = new MonthlyBulletin
        {
            Id = Guid.CreateVersion7(now),
            AllianceId = street.Id,
            StreetId = street.HostOrganisationId,
            Month = month,
            Title = BulletinBuilder.TitleOf(street.Name, month),
            ContentJson = JsonSerializer.Serialize(content, Json),
            GeneratedUtc = now.UtcDateTime,
        };
        db.Add(bulletin);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return bulletin;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Set<MonthlyBulletin>().AsNoTracking().AnyAsync(b => b.AllianceId == street.Id && b.Month == month, cancellationToken))
            {
                return null; // the unique (alliance, month) index: another node wrote it at the same moment
            }

            throw;
        }
    }
}

/// <summary>Registers the hourly job.</summary>
internal sealed class BulletinJobStartup(IRecurringJobManager recurring, IConfiguration configuration) : IHostedService
{
    /// <summary>How often the job looks (<c>Alliance:Bulletins:Schedule</c>, a cron expression; hourly by default).</summary>
    public const string ScheduleKey = "Alliance:Bulletins:Schedule";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<BulletinJob>(BulletinJob.JobId, j => j.RunAsync(CancellationToken.None), configuration[ScheduleKey] ?? "23 * * * *");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
