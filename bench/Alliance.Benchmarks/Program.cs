using Alliance.Benchmarks;

// Persisted workflow steps per second and resume latency, against the same database's raw transaction limit.
//   dotnet run -c Release --project bench/Alliance.Benchmarks -- [--seconds 10] [--postgres "Host=...;Database=..."]
// Without --postgres only SQLite is measured. The PostgreSQL database named in the connection string is dropped and recreated.
var seconds = 10;
string? postgres = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seconds": seconds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--postgres": postgres = args[++i]; break;
        default: throw new ArgumentException($"unknown argument {args[i]}");
    }
}

var duration = TimeSpan.FromSeconds(seconds);
var sqliteFile = Path.Combine(Path.GetTempPath(), $"alliance-bench-{Guid.NewGuid():N}.db");
var targets = new List<Target> { new("sqlite", $"Data Source={sqliteFile};Pooling=True") };
if (postgres is not null)
{
    targets.Add(new("postgres", postgres));
}

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {seconds} s per run");
foreach (var target in targets)
{
    Console.WriteLine();
    Console.WriteLine($"## {target.Provider}");
    await target.EnsureDatabaseAsync();
    Console.WriteLine("| measure | workers | operations | per second | p50 ms | p99 ms |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var workers in new[] { 1, 8 })
    {
        var memory = await WorkflowSteps.RunAsync(new Target("memory", ""), workers, duration);
        Console.WriteLine(memory);
        var raw = await RawTransactions.RunAsync(target, workers, duration);
        Console.WriteLine(raw);
        var steps = await WorkflowSteps.RunAsync(target, workers, duration);
        Console.WriteLine(steps);
        Console.WriteLine($"| ratio to raw | {workers} | | {steps.PerSecond / raw.PerSecond:P0} | | |");
    }
}

foreach (var file in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-shm" })
{
    File.Delete(file);
}
