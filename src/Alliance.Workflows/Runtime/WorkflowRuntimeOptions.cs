using Alliance.Workflows.Expressions;

namespace Alliance.Workflows.Runtime;

/// <summary>Settings of the runtime; every number is a setting, not a constant.</summary>
public sealed record WorkflowRuntimeOptions
{
    /// <summary>Attempts of a faulting activity before the instance is Faulted.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Back-off before retry n is <c>RetryBaseDelay * 2^(n-1)</c>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an early stimulus waits for its bookmark before it becomes a dead letter.</summary>
    public TimeSpan StimulusTimeToLive { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Activities executed in one resume before it is stopped as a runaway flow.</summary>
    public int MaxStepsPerResume { get; init; } = 10_000;

    /// <summary>Optimistic concurrency retries of one resume.</summary>
    public int MaxConcurrencyRetries { get; init; } = 50;

    /// <summary>Instances whose last committed state is kept to skip the read of the next resume (0 turns it off).</summary>
    public int InstanceCacheSize { get; init; } = 10_000;

    public SandboxLimits Sandbox { get; init; } = new();

    /// <summary>Called after a commit that wrote outbox rows, so the host's dispatcher can publish them at once instead of on its next poll.</summary>
    public Action? OutboxCommitted { get; init; }
}
