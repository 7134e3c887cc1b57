using System.Globalization;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Reports;

/// <summary>The reports' figures, for the API and the pages alike: scope checked here (<see cref="ReportScope"/>), sums of the figure projection.</summary>
public sealed class ReportOperations(AllianceDbContext db, TimeProvider time)
{
    /// <summary>Reads a period given as "yyyy-MM" months; by default from January of this year (China time) to this month.</summary>
    public (int From, int To) Period(string? from, string? to)
    {
        var now = ReportMonth.Of(time.GetUtcNow());
        var errors = new FieldErrors();
        var start = (now / 100 * 100) + 1;
        var end = now;
        if (from is not null && !ReportMonth.TryParse(from, out start))
        {
            errors.Add("from", "开始月份格式应为 yyyy-MM，如 2026-01。", "'from' must be a month as yyyy-MM, e.g. 2026-01.");
        }

        if (to is not null && !ReportMonth.TryParse(to, out end))
        {
            errors.Add("to", "结束月份格式应为 yyyy-MM，如 2026-12。", "'to' must be a month as yyyy-MM, e.g. 2026-12.");
        }

        if (!errors.Any && start > end)
        {
            errors.Add("from", "开始月份不能晚于结束月份。", "'from' cannot be after 'to'.");
        }

        if (!errors.Any && (end / 100) - (start / 100) > 10)
        {
            errors.Add("to", "一次最多查询十年。", "A report covers ten years at most.");
        }

        errors.ThrowIfAny();
        return (start, end);
    }

    public async Task<FiguresReport> FiguresAsync(AccessScope scope, AllianceId? alliance, OrganisationId? organisation, string? from, string? to, CancellationToken cancellationToken)
    {
        var (start, end) = Period(from, to);
        var reportScope = await ReportScope.ResolveAsync(scope, db, alliance, organisation, cancellationToken);
        return await FiguresAsync(reportScope, start, end, cancellationToken);
    }

    /// <summary>The figures of an already resolved scope (the bulletin and the assessment use it).</summary>
    public async Task<FiguresReport> FiguresAsync(ReportScope scope, int start, int end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var rows = db.Set<FigureDelta>().AsNoTracking();
        if (scope.Alliances is { } alliances)
        {
            rows = rows.Where(d => alliances.Contains(d.AllianceId));
        }

        if (scope.Organisation is { } org)
        {
            rows = rows.Where(d => d.OrganisationId == org);
        }

        // two narrow sums, not one row per figure and month: per organisation over the period, and per month for the trend.
        // The period's rows are whole years where it covers them (FigurePeriod); cumulative figures run from the first
        // month on record to the period's end.
        var cumulative = FigureMetrics.Cumulative.ToList();
        var period = FigurePeriod.Of(start, end);
        var first = await db.Set<FigureDelta>().MinAsync(d => (int?)d.Month, cancellationToken) ?? start;
        var upTo = FigurePeriod.Of(Math.Min(start, ReportMonth.Of(first / 100, 1)), end);
        var (read, added, subtracted) = (period.Read.ToList(), period.Added.ToList(), period.Subtracted.ToList());
        var (addedUpTo, subtractedUpTo) = (upTo.Added.ToList(), upTo.Subtracted.ToList());
        var earlier = upTo.Read.Except(read).ToList(); // months or years before the period, for the cumulative figures
        var inPeriod = earlier.Count == 0
            ? rows.Where(d => read.Contains(d.Month))
            : rows.Where(d => read.Contains(d.Month) || (cumulative.Contains(d.Metric) && earlier.Contains(d.Month)));
        var sums = (await inPeriod
            .Select(d => new
            {
                d.OrganisationId, d.Metric, d.Dimension,
                Value = cumulative.Contains(d.Metric)
                    ? (addedUpTo.Contains(d.Month) ? d.Value : subtractedUpTo.Contains(d.Month) ? -d.Value : 0L)
                    : (added.Contains(d.Month) ? d.Value : subtracted.Contains(d.Month) ? -d.Value : 0L),
            })
            .GroupBy(d => new { d.OrganisationId, d.Metric, d.Dimension })
            .Select(g => new { g.Key.OrganisationId, g.Key.Metric, g.Key.Dimension, Value = g.Sum(d => d.Value) })
            .ToListAsync(cancellationToken))
            .Where(s => s.Value != 0).Select(s => new Sum(s.OrganisationId, s.Metric, s.Dimension, s.Value)).ToList();
        var trended = new[] { FigureMetrics.ItemsRaised, FigureMetrics.ItemsResolved };
        var trend = (await rows.Where(d => d.Month >= start && d.Month <= end && d.Month % 100 != 0 && trended.Contains(d.Metric))
            .GroupBy(d => new { d.Month, d.Metric })
            .Select(g => new { g.Key.Month, g.Key.Metric, Value = g.Sum(d => d.Value) })
            .ToListAsync(cancellationToken))
            .Select(t => new TrendSum(t.Month, t.Metric, t.Value)).ToList();
        var names = await OrganisationNamesAsync(sums.Select(s => s.OrganisationId).Distinct().ToList(), cancellationToken);
        var figures = Figures.Of(sums, trend, start, end, names);
        return new FiguresReport(ReportMonth.Text(start), ReportMonth.Text(end), scope.Alliances, scope.Organisation,
            figures.Items, figures.Satisfaction, figures.Commitments, figures.Sharing, figures.Meetings, figures.Work, figures.Trend, figures.Organisations, figures.Lines);
    }

    /// <summary>The alliances whose whole figures the caller may read (the choice on the dashboard), by name.</summary>
    public async Task<List<(AllianceId Id, string Name)>> OverseenAlliancesAsync(AccessScope scope, CancellationToken cancellationToken) =>
        [.. (await db.Alliances.AsNoTracking().ToListAsync(cancellationToken)).Where(a => ReportScope.Oversees(scope, a)).OrderBy(a => a.Level).ThenBy(a => a.Name, StringComparer.Ordinal)
            .Select(a => (a.Id, a.Name))];

    private async Task<Dictionary<OrganisationId, (string Name, string Kind)>> OrganisationNamesAsync(List<OrganisationId> ids, CancellationToken cancellationToken) =>
        await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id))
            .ToDictionaryAsync(o => o.Id, o => (o.Name, CultureInfo.InvariantCulture.TextInfo.ToLower(o.Kind.ToString())), cancellationToken);
}

/// <summary>One figure of one organisation, summed over the report's period.</summary>
public sealed record Sum(OrganisationId OrganisationId, string Metric, string Dimension, long Value);

/// <summary>One figure of the scope in one month (the trend).</summary>
public sealed record TrendSum(int Month, string Metric, long Value);
