using System.Diagnostics;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Ledger;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;

namespace Alliance.Reports.Benchmarks;

/// <summary>
/// The ledger export (issue 18, "a 100,000-row .xlsx export in seconds, with memory measured"): a district administrator
/// exports the items section of the seeded year through <see cref="LedgerOperations.ExportAsync"/>, which the bus hands to
/// <see cref="LedgerExportRunner"/> exactly as in use; timed until the export is ready. Beside it, as the raw baseline,
/// MiniExcel writes as many synthetic rows of as many columns to a file, no database. For both, the managed heap and the
/// process's working set are sampled every 20 ms: the peak above the level before the run is the memory the run took.
/// </summary>
internal static class ExportBenchmark
{
    public static async Task RunAsync(WebApplicationFactory<Program> app, OrganisationId district, int rounds)
    {
        var scope = await BenchScopes.OfAsync(app, "bench-admin", AllianceRole.DistrictAdmin, [district]);
        for (var round = 1; round <= rounds; round++)
        {
            // alternated: baseline, product, in each round
            using (var services = app.Services.CreateScope())
            {
                var total = (await services.ServiceProvider.GetRequiredService<LedgerOperations>().PageAsync(scope, new LedgerFilter("items"), 1, 1, CancellationToken.None)).Total;
                await MeasureAsync($"round {round}: raw MiniExcel, {total:N0} synthetic rows × {new ItemLedger().Columns.Count} columns", () => Task.Run(() => RawWrite(total, new ItemLedger().Columns.Count)));
            }

            await MeasureAsync($"round {round}: ledger export of the items section (district)", async () =>
            {
                using var services = app.Services.CreateScope();
                var ledger = services.ServiceProvider.GetRequiredService<LedgerOperations>();
                var export = await ledger.ExportAsync(scope, new LedgerFilter("items"), CancellationToken.None);
                while (true)
                {
                    await Task.Delay(20);
                    var now = await ledger.ExportStatusAsync(scope, export.Id, CancellationToken.None);
                    if (now.Status is LedgerExport.Ready or LedgerExport.Failed)
                    {
                        return $"{now.Status}, {now.Rows:N0} rows, {now.Bytes / 1024.0 / 1024.0:0.0} MB";
                    }
                }
            });
        }
    }

    private static async Task MeasureAsync(string name, Func<Task<string>> run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var heapBefore = GC.GetTotalMemory(false);
        var setBefore = process.WorkingSet64;
        long heapPeak = heapBefore, setPeak = setBefore;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                heapPeak = Math.Max(heapPeak, GC.GetTotalMemory(false));
                process.Refresh();
                setPeak = Math.Max(setPeak, process.WorkingSet64);
                await Task.Delay(20);
            }
        });
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var watch = Stopwatch.StartNew();
        var result = await run();
        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;
        await stop.CancelAsync();
        await sampler;
        Console.WriteLine($"| {name} | {watch.Elapsed.TotalSeconds:0.00} s | +{(heapPeak - heapBefore) / 1048576.0:0} MB heap peak | +{(setPeak - setBefore) / 1048576.0:0} MB working set peak | {allocated / 1048576.0:N0} MB allocated | {result} |");
    }

    private static string RawWrite(int rows, int columns)
    {
        var path = Path.Combine(Path.GetTempPath(), $"alliance-raw-{Guid.NewGuid():N}.xlsx");
        try
        {
            using (var file = File.Create(path))
            {
                file.SaveAs(new Dictionary<string, object> { ["事项"] = Rows(rows, columns) }, printHeader: false, excelType: ExcelType.XLSX);
            }

            return $"{rows:N0} rows, {new FileInfo(path).Length / 1024.0 / 1024.0:0.0} MB";
        }
        finally
        {
            File.Delete(path);
        }

        static IEnumerable<IDictionary<string, object?>> Rows(int rows, int columns)
        {
            for (var r = 0; r <= rows; r++)
            {
                var row = new Dictionary<string, object?>(columns);
                for (var c = 0; c < columns; c++)
                {
                    row["c" + c] = c switch { 0 => Guid.NewGuid().ToString(), 1 => "为老年居民开展反诈普法讲座", 2 => "实事共办", _ => "2026-03-02 09:00" };
                }

                yield return row;
            }
        }
    }
}
