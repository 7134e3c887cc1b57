namespace Alliance.Benchmarks;

/// <summary>One measured run: operations, elapsed time, and per-operation latencies.</summary>
internal sealed record Measurement(string Name, int Workers, int Operations, TimeSpan Elapsed, double[] LatenciesMs)
{
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
        $"| {Name} | {Workers} | {Operations:N0} | {PerSecond:N0} | {Percentile(50):F2} | {Percentile(99):F2} |";
}
