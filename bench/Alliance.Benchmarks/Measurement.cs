namespace Alliance.Benchmarks;

/// <summary>One measured run: operations, elapsed time, per-operation latencies and this process's CPU time.</summary>
internal sealed record Measurement(string Name, int Workers, int Operations, TimeSpan Elapsed, double[] LatenciesMs, TimeSpan ProcessCpu)
{
    /// <summary>This process's CPU time per operation (SQLite runs in the process; a PostgreSQL server's CPU is not counted).</summary>
    public double CpuMicrosecondsPerOperation => Operations == 0 ? double.NaN : ProcessCpu.TotalMicroseconds / Operations;

    public double PerSecond => Operations / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        if (LatenciesMs.Length == 0)
        {
            return double.NaN;
        }

        var sorted = LatenciesMs.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
    }

    public override string ToString() =>
        $"| {Name} | {Workers} | {Operations:N0} | {PerSecond:N0} | {Percentile(50):F2} | {Percentile(99):F2} | {CpuMicrosecondsPerOperation:N0} |";
}

/// <summary>Drives the operation loops: every worker runs its operation back to back, first through a warm-up (JIT tiering, pools and caches settle; not counted), then through the measured window.</summary>
internal static class Loop
{
    public static async Task<Measurement> RunAsync(string name, int workers, TimeSpan warmUp, TimeSpan duration, Func<int, Func<Task>> operationOf)
    {
        var latencies = new List<double>[workers];
        var warmEnd = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(warmUp.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var end = warmEnd + (long)(duration.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            latencies[w] = [];
            var operation = operationOf(w);
            while (System.Diagnostics.Stopwatch.GetTimestamp() < end)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await operation();
                if (started >= warmEnd)
                {
                    latencies[w].Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        })).ToArray();
        var wait = System.Diagnostics.Stopwatch.GetElapsedTime(System.Diagnostics.Stopwatch.GetTimestamp(), warmEnd);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var measuredFrom = System.Diagnostics.Stopwatch.GetTimestamp();
        await Task.WhenAll(tasks);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(measuredFrom);
        cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var all = latencies.SelectMany(l => l).ToArray();
        return new Measurement(name, workers, all.Length, elapsed, all, cpu);
    }
}
