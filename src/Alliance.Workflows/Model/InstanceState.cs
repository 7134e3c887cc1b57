using System.Text.Json;
using Alliance.Workflows.Activities;

namespace Alliance.Workflows.Model;

/// <summary>The engine's own state of an instance (stored as one JSON column): joins, collectors, compensation log, path, parked tokens.</summary>
public sealed class InstanceState
{
    public List<JoinState> Joins { get; set; } = [];

    public List<CollectorState> Collectors { get; set; } = [];

    /// <summary>The quorum and pass shares of each open vote whose definition gives them as expressions.</summary>
    public List<VoteState> Votes { get; set; } = [];

    /// <summary>Completed activities that declare <c>compensateWith</c>, oldest first.</summary>
    public List<string> Compensable { get; set; } = [];

    /// <summary>The distinct ids of executed activities, in first-visit order (for the Mermaid highlight). The full path is in the journal.</summary>
    public List<string> Visited { get; set; } = [];

    /// <summary>Tokens parked because their activity faulted; retried with back-off, then by an operator.</summary>
    public List<FaultedToken> Faulted { get; set; } = [];

    public int Sequence { get; set; }

    internal InstanceState Clone() =>
        JsonSerializer.Deserialize<InstanceState>(JsonSerializer.Serialize(this))!;
}

/// <summary>Arrivals at one Join for one execution of its Fork (a scope).</summary>
public sealed class JoinState
{
    public string JoinId { get; set; } = "";

    public string Scope { get; set; } = "";

    /// <summary>The branch the Fork ran on; the Join continues on it.</summary>
    public string ParentBranch { get; set; } = "";

    public int Expected { get; set; }

    public List<int> Arrived { get; set; } = [];

    public List<int> Cancelled { get; set; } = [];
}

/// <summary>Responses collected by one ParallelForEach execution.</summary>
public sealed class CollectorState
{
    public string ActivityId { get; set; } = "";

    public string Scope { get; set; } = "";

    public string Branch { get; set; } = "";

    public List<string> Items { get; set; } = [];

    public Dictionary<string, TaskResponse> Responses { get; set; } = [];
}

/// <summary>The shares one open vote was opened with (evaluated once, when it opened, so a later change of the variables does not move it).</summary>
public sealed class VoteState
{
    public BookmarkId VoteId { get; set; }

    public VoteShare? Quorum { get; set; }

    public VoteShare? Pass { get; set; }
}

/// <summary>How a person completed a human task.</summary>
public sealed record TaskResponse(string Actor, string Outcome, string? Comment, Dictionary<string, JsonElement> Fields, DateTime AtUtc);

/// <summary>A token parked at a faulted activity.</summary>
public sealed class FaultedToken
{
    public string ActivityId { get; set; } = "";

    public string Branch { get; set; } = "";

    public int Attempts { get; set; }
}
