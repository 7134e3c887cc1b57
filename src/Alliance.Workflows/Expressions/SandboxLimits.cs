namespace Alliance.Workflows.Expressions;

/// <summary>The limits of the JavaScript sandbox.</summary>
public sealed record SandboxLimits
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(100);

    public long MemoryBytes { get; init; } = 4_000_000;

    public int RecursionDepth { get; init; } = 64;

    public int MaxStatements { get; init; } = 100_000;
}
