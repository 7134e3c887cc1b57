using System.Text.Json;
using Alliance.Workflows.Activities;

namespace Alliance.Workflows.Model;

/// <summary>The engine's own state of an instance (stored as one JSON column): joins, collectors, child groups, compensation log, path, parked tokens.</summary>
public sealed class InstanceState
{
    public List<JoinState> Joins { get; set; } = [];

    public List<CollectorState> Collectors { get; set; } = [];

    /// <summary>The children each waiting <c>StartChild</c> with <c>forEach</c> started, until the last of them finishes.</summary>
    public List<ChildGroupState> ChildGroups { get; set; } = [];

    /// <summary>The quorum and pass shares of each open vote whose definition gives them as expressions.</summary>
    public List<VoteState> Votes { get; set; } = [];

    /// <summary>Completed activities that declare <c>compensateWith</c>, oldest first.</summary>
    public List<string> Compensable { get; set; } = [];

    /// <summary>The distinct ids of executed activities, in first-visit order (for the Mermaid highlight). The full path is in the journal.</summary>
    public List<string> Visited { get; set; } = [];

    /// <summary>Tokens parked because their activity faulted; retried with back-off, then by an operator.</summary>
    public List<FaultedToken> Faulted { get; set; } = [];

    public int Sequence { get; set; }

    /// <summary>A deep copy (every list and state object new; immutable values such as records and JSON elements shared).</summary>
    internal InstanceState Clone() => new()
    {
        Joins = Joins.ConvertAll(j => j.Clone()),
        Collectors = Collectors.ConvertAll(c => c.Clone()),
        ChildGroups = ChildGroups.ConvertAll(g => g.Clone()),
        Votes = Votes.ConvertAll(v => v.Clone()),
        Compensable = [.. Compensable],
        Visited = [.. Visited],
        Faulted = Faulted.ConvertAll(f => f.Clone()),
        Sequence = Sequence,
    };
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

    internal JoinState Clone() => new()
    {
        JoinId = JoinId,
        Scope = Scope,
        ParentBranch = ParentBranch,
        Expected = Expected,
        Arrived = [.. Arrived],
        Cancelled = [.. Cancelled],
    };
}

/// <summary>Responses collected by one ParallelForEach execution.</summary>
public sealed class CollectorState
{
    public string ActivityId { get; set; } = "";

    public string Scope { get; set; } = "";

    public string Branch { get; set; } = "";

    public List<string> Items { get; set; } = [];

    public Dictionary<string, TaskResponse> Responses { get; set; } = [];

    internal CollectorState Clone() => new()
    {
        ActivityId = ActivityId,
        Scope = Scope,
        Branch = Branch,
        Items = [.. Items],
        Responses = Responses.ToDictionary(r => r.Key, r => r.Value with { Fields = new Dictionary<string, JsonElement>(r.Value.Fields) }, Responses.Comparer),
    };
}

/// <summary>The shares one open vote was opened with (evaluated once, when it opened, so a later change of the variables does not move it).</summary>
public sealed class VoteState
{
    public BookmarkId VoteId { get; set; }

    public VoteShare? Quorum { get; set; }

    public VoteShare? Pass { get; set; }

    internal VoteState Clone() => (VoteState)MemberwiseClone(); // VoteShare is an immutable record
}

/// <summary>How a person completed a human task.</summary>
public sealed record TaskResponse(string Actor, string Outcome, string? Comment, Dictionary<string, JsonElement> Fields, DateTime AtUtc);

/// <summary>A token parked at a faulted activity.</summary>
public sealed class FaultedToken
{
    public string ActivityId { get; set; } = "";

    public string Branch { get; set; } = "";

    public int Attempts { get; set; }

    internal FaultedToken Clone() => (FaultedToken)MemberwiseClone();
}
