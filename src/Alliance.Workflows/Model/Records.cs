namespace Alliance.Workflows.Model;

/// <summary>What a journal row records.</summary>
public enum JournalKind
{
    /// <summary>An activity ran (the path of the instance is the sequence of these).</summary>
    Executed = 0,

    /// <summary>A wait was resumed (task completed, message, timer, ballot).</summary>
    Resumed = 1,

    /// <summary>A person acted on a task without completing it (claim, delegation).</summary>
    TaskAction = 2,

    /// <summary>An activity faulted.</summary>
    Fault = 3,

    /// <summary>An operator or migration acted on the instance.</summary>
    Operator = 4,
}

/// <summary>One activity execution or resume: who, when, outcome.</summary>
public sealed class JournalEntry
{
    public Guid Id { get; set; }

    public JournalKind Kind { get; set; }

    public InstanceId InstanceId { get; set; }

    public string ActivityId { get; set; } = "";

    public string ActivityType { get; set; } = "";

    public string Actor { get; set; } = "";

    /// <summary>The ports taken (comma-separated), or "waiting", "claimed", "faulted", ...</summary>
    public string Outcome { get; set; } = "";

    public string? Detail { get; set; }

    public DateTime AtUtc { get; set; }

    /// <summary>Orders entries committed in the same instant.</summary>
    public long Sequence { get; set; }
}

/// <summary>A fault of an activity: error, activity, attempt.</summary>
public sealed class Incident
{
    public Guid Id { get; set; }

    public InstanceId InstanceId { get; set; }

    public string ActivityId { get; set; } = "";

    public int Attempt { get; set; }

    public string Error { get; set; } = "";

    public DateTime AtUtc { get; set; }

    /// <summary>When a retry is scheduled (null once attempts are exhausted).</summary>
    public DateTime? RetryAtUtc { get; set; }

    public DateTime? ResolvedUtc { get; set; }
}

/// <summary>What an outbox row carries.</summary>
public enum OutboxKind
{
    Event = 0,
    Notification = 1,
}

/// <summary>
/// An outgoing message committed with the state that produced it. The host's dispatcher publishes rows whose
/// <see cref="DispatchedUtc"/> is null, then sets it. Delivery is at least once; <see cref="Id"/> is the de-duplication key.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }

    public InstanceId InstanceId { get; set; }

    public OutboxKind Kind { get; set; }

    public string MessageType { get; set; } = "";

    public string PayloadJson { get; set; } = "{}";

    public DateTime CreatedUtc { get; set; }

    public DateTime? DispatchedUtc { get; set; }
}

/// <summary>The inbox: a stimulus id already applied to an instance.</summary>
public sealed class ProcessedStimulus
{
    public string StimulusId { get; set; } = "";

    public InstanceId InstanceId { get; set; }

    public DateTime ProcessedUtc { get; set; }
}

/// <summary>A stimulus that matched no bookmark yet (early), or, once its TTL passed, a dead letter.</summary>
public sealed class PendingStimulus
{
    public string StimulusId { get; set; } = "";

    public string StimulusType { get; set; } = "";

    public string CorrelationKey { get; set; } = "";

    public string? PayloadJson { get; set; }

    public DateTime ReceivedUtc { get; set; }

    public DateTime ExpiresUtc { get; set; }

    /// <summary>Set when the TTL passed: the stimulus is a dead letter that an operator can replay.</summary>
    public DateTime? DeadLetteredUtc { get; set; }
}
