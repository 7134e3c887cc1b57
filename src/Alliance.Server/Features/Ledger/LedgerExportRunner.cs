using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Alliance.Contracts.Ledger;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace Alliance.Server.Features.Ledger;

/// <summary>
/// Writes one ledger export: claims it (one node; a redelivered request finds it claimed and waits for the lease, or
/// finds it finished and does nothing), reads the person's scope as it is now, streams every row of the section and
/// its detail sheets from the database into MiniExcel's writer on a temporary file (memory stays flat however many rows),
/// and commits the progress about once a second together with its live event, renewing the lease. A node that dies
/// mid-export stops renewing; the redelivered request takes the export over from the start.
/// </summary>
public sealed class LedgerExportRunner(
    IDbContextFactory<AllianceDbContext> contexts, IServiceScopeFactory scopes, TimeProvider time, ILogger<LedgerExportRunner> logger) : IConsumer<LedgerExportRequested>
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    public async Task Consume(ConsumeContext<LedgerExportRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await RunAsync(context.Message.ExportId, context.CancellationToken);
    }

    public async Task RunAsync(Guid exportId, CancellationToken cancellationToken)
    {
        var token = await ClaimAsync(exportId, cancellationToken);
        if (token is null)
        {
            return;
        }

        var path = Path.Combine(Path.GetTempPath(), $"alliance-ledger-{exportId:N}-{token:N}.xlsx");
        try
        {
            await WriteAsync(exportId, token.Value, path, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Ledger export {ExportId} failed", exportId);
            await FinishAsync(exportId, token.Value, LedgerExport.Failed, null, null, e.Message, cancellationToken);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Queued, or running under an expired lease → ours. Running under a live lease: wait for it to end or run out.</summary>
    private async Task<Guid?> ClaimAsync(Guid exportId, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var token = Guid.NewGuid();
            var claimed = await db.Set<LedgerExport>()
                .Where(e => e.Id == exportId && (e.Status == LedgerExport.Queued || (e.Status == LedgerExport.Running && e.LeaseUntilUtc < now)))
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, LedgerExport.Running).SetProperty(e => e.ClaimToken, token)
                    .SetProperty(e => e.LeaseUntilUtc, now + Lease).SetProperty(e => e.StartedUtc, now).SetProperty(e => e.Rows, 0L), cancellationToken);
            if (claimed == 1)
            {
                return token;
            }

            var export = await db.Set<LedgerExport>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == exportId, cancellationToken);
            if (export is not { Status: LedgerExport.Running, LeaseUntilUtc: { } lease })
            {
                return null; // finished (ready or failed), or unknown
            }

            await Task.Delay(lease - now + TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
    }

    private async Task WriteAsync(Guid exportId, Guid token, string path, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var export = await db.Set<LedgerExport>().AsNoTracking().SingleAsync(e => e.Id == exportId, cancellationToken);
        var filter = JsonSerializer.Deserialize<LedgerFilter>(export.FilterJson, LedgerOperations.FilterJson)!;
        var scope = await ScopeOfAsync(export.UserId, cancellationToken);
        var ledger = await LedgerOperations.ContextAsync(db, scope, filter, cancellationToken);
        var section = LedgerSections.Find(filter.Section)!;
        var sheets = new List<(string Sheet, IReadOnlyList<LedgerColumn> Columns, LedgerRows Rows)>
        {
            (section.Name.Zh, section.Columns, await section.RowsAsync(ledger, cancellationToken)),
        };
        sheets.AddRange(await section.DetailsAsync(ledger, cancellationToken));
        long total = 0;
        foreach (var sheet in sheets)
        {
            total += await sheet.Rows.CountAsync(cancellationToken);
        }

        var written = new RowCounter();
        await ProgressAsync(exportId, token, 0, total, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = Task.Run(() => Write(path, sheets, written, stop.Token), stop.Token);
        var reported = 0L;
        var renewed = time.GetUtcNow();
        while (!writer.IsCompleted)
        {
            await Task.WhenAny(writer, Task.Delay(ProgressEvery, time, cancellationToken));
            var rows = written.Value;
            // progress when rows were written; without any (a slow first query), still the lease, well before it runs out
            if (!writer.IsCompleted && (rows != reported || time.GetUtcNow() - renewed > Lease / 3))
            {
                reported = rows;
                renewed = time.GetUtcNow();
                if (!await ProgressAsync(exportId, token, rows, total, cancellationToken))
                {
                    await stop.CancelAsync(); // another node took the export over (our lease ran out): leave it to that node
                    await writer.ContinueWith(_ => { }, TaskScheduler.Default);
                    return;
                }
            }
        }

        await writer;
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        var name = $"台账-{section.Name.Zh}-{TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, Reports.ReportMonth.ChinaTime):yyyyMMdd-HHmm}.xlsx";
        await FinishAsync(exportId, token, LedgerExport.Ready, bytes, name, null, cancellationToken, written.Value);
    }

    /// <summary>
    /// The sheets through MiniExcel's streaming writer: each row is read from the database only when the writer asks for
    /// it. The first row of every sheet is its header, written as data, so that an empty sheet still has its columns.
    /// </summary>
    private static void Write(string path, List<(string Sheet, IReadOnlyList<LedgerColumn> Columns, LedgerRows Rows)> sheets, RowCounter written, CancellationToken cancellationToken)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        var book = new Dictionary<string, object>();
        foreach (var (sheet, columns, rows) in sheets)
        {
            book[sheet] = Rows(columns, rows, written, cancellationToken);
        }

        using var file = File.Create(path);
        file.SaveAs(book, printHeader: false, excelType: ExcelType.XLSX);
    }

    private static IEnumerable<IDictionary<string, object?>> Rows(IReadOnlyList<LedgerColumn> columns, LedgerRows rows, RowCounter written, CancellationToken cancellationToken)
    {
        var header = new Dictionary<string, object?>(columns.Count);
        foreach (var column in columns)
        {
            header[column.Key] = column.Zh;
        }

        yield return header;
        foreach (var cells in rows.Stream())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = new Dictionary<string, object?>(columns.Count);
            for (var i = 0; i < columns.Count; i++)
            {
                row[columns[i].Key] = cells[i];
            }

            written.Add();
            yield return row;
        }
    }

    /// <summary>
    /// Progress and lease, with the live event, in one commit; false when the export is no longer ours (taken over: the
    /// claim token is the row's concurrency token, so the update matches only while it is still ours).
    /// </summary>
    private async Task<bool> ProgressAsync(Guid exportId, Guid token, long rows, long total, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var export = await db.Set<LedgerExport>().SingleAsync(e => e.Id == exportId, cancellationToken);
        if (export.ClaimToken != token || export.Status != LedgerExport.Running)
        {
            return false;
        }

        var now = time.GetUtcNow();
        export.Rows = rows;
        export.Total = total;
        export.LeaseUntilUtc = (now + Lease).UtcDateTime;
        db.AddOutboxEvent(new LedgerExportProgressed(exportId, export.UserId, LedgerExport.Running, rows, total) { OccurredAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    private async Task FinishAsync(Guid exportId, Guid token, string status, byte[]? content, string? fileName, string? error, CancellationToken cancellationToken, long? rows = null)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var export = await db.Set<LedgerExport>().SingleAsync(e => e.Id == exportId, cancellationToken);
        if (export.ClaimToken != token || export.Status != LedgerExport.Running)
        {
            return;
        }

        var now = time.GetUtcNow();
        export.Status = status;
        export.Rows = rows ?? export.Rows;
        export.FileName = fileName;
        export.Bytes = content?.LongLength;
        export.Error = error is null ? null : error.Length > 1000 ? error[..1000] : error;
        export.FinishedUtc = now.UtcDateTime;
        export.LeaseUntilUtc = null;
        if (content is not null)
        {
            db.Add(new LedgerExportFile { ExportId = exportId, Content = content });
        }

        db.AddOutboxEvent(new LedgerExportProgressed(exportId, export.UserId, status, export.Rows, export.Total) { OccurredAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // taken over by another node meanwhile: that node finishes it
        }
    }

    /// <summary>The person's scope as it is now (a grant revoked since the request narrows the export too).</summary>
    private async Task<AccessScope> ScopeOfAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var name = await db.Set<AllianceUser>().AsNoTracking().Where(u => u.Id == userId).Select(u => u.UserName).SingleOrDefaultAsync(cancellationToken);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId.ToString()), new Claim(ClaimTypes.Name, name ?? "")], authenticationType: "ledger-export"));
        return await services.ServiceProvider.GetRequiredService<AccessScopeResolver>().ResolveAsync(principal, cancellationToken);
    }

    private sealed class RowCounter
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Add() => Interlocked.Increment(ref _value);
    }
}

/// <summary>An export can run for a while: a few at a time per node, so they do not take the bus's whole concurrency.</summary>
public sealed class LedgerExportRunnerDefinition : ConsumerDefinition<LedgerExportRunner>
{
    public LedgerExportRunnerDefinition() => ConcurrentMessageLimit = 2;
}
