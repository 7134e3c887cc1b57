// Report figures benchmark (issue 18): one year of a district (20 streets, 120 communities, 600 units; by default 50,000
// items and 5,000 commitments, plus shared rooms, bookings and monthly meetings), seeded as rows through the server's own
// context (DistrictYear), so the figure projection is written by its interceptor in each batch's SaveChanges. Then:
//   - the dashboard's figures (ReportOperations.FiguresAsync for the year) for the whole district, one street with its six
//     communities, one community and one unit, and the district for half a year and for eleven months: median and p95 of
//     --runs calls, before and after the deltas are folded;
//   - the folding (FigureCompaction) itself;
//   - as the baseline without a projection: the same figures recomputed from every stored row (FigureRebuild).
// The server runs in this process (WebApplicationFactory<Program>) on SQLite (a temporary file) or on PostgreSQL (a fresh
// database on the server given by --postgres, dropped afterwards).
//
// With --mode export it times the ledger's .xlsx export of the year's items instead (ExportBenchmark), --runs rounds,
// each beside a raw MiniExcel write of as many rows. With --mode assessment it times the year-end assessment of each of
// the 20 streets (AssessmentBenchmark): computed before the folding, recomputed after it, beside the street's figures alone.
//
// Usage (from the repository root):
//   dotnet run -c Release --project bench/Alliance.Reports.Benchmarks -- --database sqlite
//   dotnet run -c Release --project bench/Alliance.Reports.Benchmarks -- --database sqlite --items 100000 --mode export --runs 2
//   dotnet run -c Release --project bench/Alliance.Reports.Benchmarks -- --database sqlite --mode assessment --runs 3
//   dotnet run -c Release --project bench/Alliance.Reports.Benchmarks -- --database postgres --postgres "Host=127.0.0.1;Port=55432;Username=alliance;Password=alliance;Database=postgres"
using System.Diagnostics;
using System.Globalization;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Alliance.Reports.Benchmarks;

internal static class ReportsBenchmark
{
    public static async Task<int> Main(string[] args)
    {
        var database = Arg(args, "database", "sqlite");
        var items = int.Parse(Arg(args, "items", "50000"), CultureInfo.InvariantCulture);
        var commitments = int.Parse(Arg(args, "commitments", "5000"), CultureInfo.InvariantCulture);
        var runs = int.Parse(Arg(args, "runs", "20"), CultureInfo.InvariantCulture);
        var root = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Alliance.sln")))
        {
            root = root.Parent;
        }

        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ALLIANCE_SERVER",
            Path.Combine(root?.FullName ?? throw new InvalidOperationException("Run from inside the repository."), "src", "Alliance.Server"));
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; database: {database}; items {items}, commitments {commitments}");

        var sqlite = Path.Combine(Path.GetTempPath(), $"alliance-reports-bench-{Guid.NewGuid():N}.db");
        var pgName = $"alliance_reports_bench_{Guid.NewGuid():N}"[..40];
        var admin = Arg(args, "postgres", "Host=127.0.0.1;Port=55432;Username=alliance;Password=alliance;Database=postgres");
        if (database == "postgres")
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {pgName}", connection);
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
            {
                web.UseEnvironment("Production");
                web.UseSetting("Alliance:DemoData", "false");
                web.UseSetting("Alliance:Database", database == "postgres" ? "Postgres" : "Sqlite");
                web.UseSetting("Alliance:Sqlite", $"Data Source={sqlite}");
                web.UseSetting("Alliance:Postgres", new NpgsqlConnectionStringBuilder(admin) { Database = pgName }.ConnectionString);
                web.UseSetting("Alliance:Bus", "InMemory");
                web.UseSetting("Alliance:Jobs", "InMemory");
                web.UseSetting("Alliance:FigureCompactionSchedule", "0 0 31 2 *");
                web.UseSetting("Alliance:MeetingCalendarSchedule", "0 0 31 2 *");
                web.UseSetting("Logging:LogLevel:Default", "Warning");
            });
            _ = app.Server;
            var year = new DistrictYear(items, commitments, seed: 2026);
            var scopes = new List<IServiceScope>();
            AllianceDbContext Context()
            {
                var scope = app.Services.CreateScope();
                scopes.Add(scope);
                return scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            }

            var seeding = Stopwatch.StartNew();
            var lastPrint = Stopwatch.StartNew();
            await year.SeedAsync(Context, p =>
            {
                if (lastPrint.Elapsed > TimeSpan.FromSeconds(10))
                {
                    Console.WriteLine($"  {p} ({seeding.Elapsed.TotalSeconds:0} s)");
                    lastPrint.Restart();
                }
            });
            scopes.ForEach(s => s.Dispose());
            Console.WriteLine($"seeded in {seeding.Elapsed.TotalSeconds:0.0} s");

            if (Arg(args, "mode", "figures") == "export")
            {
                await ExportBenchmark.RunAsync(app, year.DistrictId, runs);
                return 0;
            }

            if (Arg(args, "mode", "figures") == "assessment")
            {
                await AssessmentBenchmark.RunAsync(app, year, async () =>
                {
                    using var folding = app.Services.CreateScope();
                    var watch = Stopwatch.StartNew();
                    var folded = await folding.ServiceProvider.GetRequiredService<FigureCompaction>().RunAsync(CancellationToken.None);
                    Console.WriteLine($"folding: {folded} rows folded away in {watch.Elapsed.TotalMilliseconds:0} ms");
                }, runs);
                return 0;
            }

            using var scope = app.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var reports = scope.ServiceProvider.GetRequiredService<ReportOperations>();
            var street = year.StreetAlliances[0];
            var streetScope = new List<AllianceId> { street.Id };
            streetScope.AddRange(year.CommunityAlliances.Where(c => year.StreetOf[c.Id] == street.HostOrganisationId).Select(c => c.Id));
            var community = year.CommunityAlliances[0];
            var (whole, half) = ((ReportMonth.Of(2026, 1), ReportMonth.Of(2026, 12)), (ReportMonth.Of(2026, 4), ReportMonth.Of(2026, 9)));
            var cases = new (string Name, ReportScope Scope, (int From, int To) Period)[]
            {
                ("district (all 140 alliances)", new(null, null), whole),
                ("one street and its 6 communities", new(streetScope, null), whole),
                ("one community", new([community.Id], null), whole),
                ("one unit", new(null, year.UnitsOf[community.Id][0]), whole),
                ("district, April to September", new(null, null), half),
                ("district, February to December", new(null, null), (ReportMonth.Of(2026, 2), ReportMonth.Of(2026, 12))),
            };
            var rows = await db.Set<FigureDelta>().CountAsync();
            Console.WriteLine($"figure delta rows: {rows}; items {await db.Set<Alliance.Server.Features.Items.Item>().CountAsync()}, tasks {await db.Set<Alliance.Server.Features.Items.ItemTask>().CountAsync()}");
            await MeasureAsync("before folding", cases, reports, runs);

            var folding = Stopwatch.StartNew();
            var folded = await scope.ServiceProvider.GetRequiredService<FigureCompaction>().RunAsync(CancellationToken.None);
            Console.WriteLine($"folding: {folded} rows folded away in {folding.Elapsed.TotalMilliseconds:0} ms; rows now {await db.Set<FigureDelta>().CountAsync()}");
            await MeasureAsync("after folding", cases, reports, runs);

            var times = new List<double>();
            Dictionary<FigureKey, long> recomputed = [];
            for (var i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                recomputed = await FigureRebuild.RecomputeAsync(db, CancellationToken.None);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            // the kept figures and their recomputation from one snapshot: the supervision sweep (every minute) marks the seeded
            // open work overdue meanwhile, which moves both
            var (kept, again) = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var snapshot = await db.Database.BeginTransactionAsync(
                    db.Database.IsNpgsql() ? System.Data.IsolationLevel.RepeatableRead : System.Data.IsolationLevel.Serializable);
                var both = (await FigureRebuild.KeptAsync(db, CancellationToken.None), await FigureRebuild.RecomputeAsync(db, CancellationToken.None));
                await snapshot.RollbackAsync();
                return both;
            });
            recomputed = again;
            var equal = kept.Count == recomputed.Count && kept.All(k => recomputed.GetValueOrDefault(k.Key) == k.Value);
            foreach (var key in kept.Keys.Union(recomputed.Keys).Where(k => kept.GetValueOrDefault(k) != recomputed.GetValueOrDefault(k)).Take(10))
            {
                Console.WriteLine($"  differs: {key}: kept {kept.GetValueOrDefault(key)}, recomputed {recomputed.GetValueOrDefault(key)}");
            }

            Console.WriteLine($"baseline, every figure recomputed from every stored row (3 runs): {string.Join(", ", times.Select(t => $"{t:0} ms"))}; equal to the projection: {equal}");
            return equal ? 0 : 1;
        }
        finally
        {
            File.Delete(sqlite);
            if (database == "postgres")
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {pgName} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }

    private static async Task MeasureAsync(string when, (string Name, ReportScope Scope, (int From, int To) Period)[] cases, ReportOperations reports, int runs)
    {
        foreach (var (name, scope, (from, to)) in cases)
        {
            await reports.FiguresAsync(scope, from, to, CancellationToken.None); // warm-up
            var times = new List<double>();
            FiguresReport? last = null;
            for (var i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                last = await reports.FiguresAsync(scope, from, to, CancellationToken.None);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine($"| {when} | {name} | {times[times.Count / 2]:0.0} ms | {times[(int)(times.Count * 0.95)]:0.0} ms | raised {last!.Items.Raised.Total}, resolved {last.Items.Resolved.Total}, organisations {last.Organisations.Count} |");
        }
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, "--" + name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }
}
