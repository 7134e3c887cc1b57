using Alliance.Benchmarks;

// Persisted workflow steps per second and resume latency, against the same database's raw transaction limit.
//   dotnet run -c Release --project bench/Alliance.Benchmarks -- [--seconds 10] [--postgres "Host=...;Database=..."] [--sqlite-synchronous FULL|NORMAL] [--no-sqlite] [--workers 1,8] [--measure memory,raw,steps] [--warmup 3] [--timings]
// Each measure first runs its loop for --warmup seconds (JIT tiering, pools, caches; not counted), then --seconds measured.
// Without --postgres only SQLite is measured. The PostgreSQL database named in the connection string is dropped and recreated.
// SQLite runs in WAL mode; --sqlite-synchronous (default FULL, SQLite's own default) applies to the raw loop and the store alike.
var seconds = 10;
var warmUpSeconds = 3;
string? postgres = null;
var synchronous = "FULL";
var sqlite = true;
int[] workerCounts = [1, 8];
string[] measures = ["memory", "raw", "steps"];
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seconds": seconds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--postgres": postgres = args[++i]; break;
        case "--sqlite-synchronous": synchronous = args[++i].ToUpperInvariant() is "FULL" or "NORMAL" or "OFF" ? args[i].ToUpperInvariant() : throw new ArgumentException("--sqlite-synchronous FULL|NORMAL|OFF"); break;
        case "--warmup": warmUpSeconds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--no-sqlite": sqlite = false; break;
        case "--timings": TimingStore.Enabled = true; break;
        case "--measure": measures = args[++i].Split(','); break;
        case "--workers": workerCounts = [.. args[++i].Split(',').Select(w => int.Parse(w, System.Globalization.CultureInfo.InvariantCulture))]; break;
        default: throw new ArgumentException($"unknown argument {args[i]}");
    }
}

var duration = TimeSpan.FromSeconds(seconds);
var warmUp = TimeSpan.FromSeconds(warmUpSeconds);
var sqliteFile = Path.Combine(Path.GetTempPath(), $"alliance-bench-{Guid.NewGuid():N}.db");
var targets = new List<Target>();
if (sqlite)
{
    targets.Add(new("sqlite", $"Data Source={sqliteFile};Pooling=True", synchronous));
}

if (postgres is not null)
{
    targets.Add(new("postgres", postgres));
}

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {warmUpSeconds} s warm-up + {seconds} s measured per run; load average {File.ReadAllText("/proc/loadavg").Trim()}");
foreach (var target in targets)
{
    Console.WriteLine();
    Console.WriteLine(target.Provider == "sqlite" ? $"## sqlite (WAL, synchronous={synchronous})" : $"## {target.Provider}");
    await target.EnsureDatabaseAsync();
    Console.WriteLine("| measure | workers | operations | per second | p50 ms | p99 ms | process CPU µs/op |");
    Console.WriteLine("|---|---|---|---|---|---|---|");
    foreach (var workers in workerCounts)
    {
        if (measures.Contains("memory"))
        {
            Console.WriteLine(await WorkflowSteps.RunAsync(new Target("memory", ""), workers, warmUp, duration));
        }

        var raw = measures.Contains("raw") ? await RawTransactions.RunAsync(target, workers, warmUp, duration) : null;
        if (raw is not null)
        {
            Console.WriteLine(raw);
        }

        var steps = measures.Contains("steps") ? await WorkflowSteps.RunAsync(target, workers, warmUp, duration) : null;
        if (steps is not null)
        {
            Console.WriteLine(steps);
            TimingStore.Dump();
        }

        if (raw is null || steps is null)
        {
            continue;
        }

        Console.WriteLine($"| ratio to raw | {workers} | | {steps.PerSecond / raw.PerSecond:P0} | | | |");
    }
}

foreach (var file in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-shm" })
{
    File.Delete(file);
}
