using System.Text.Json.Nodes;
using Alliance.Workflows.Model;

namespace Alliance.Workflows.DryRun;

/// <summary>One scripted stimulus of a dry run.</summary>
public abstract record DryRunStep;

/// <summary>Delivers a message.</summary>
public sealed record SendMessage(string Type, string CorrelationKey, JsonNode? Payload = null) : DryRunStep;

/// <summary>Completes the open task(s) of an activity (the first open one, or the one for <paramref name="Item"/> of a ParallelForEach).</summary>
public sealed record CompleteTask(string ActivityId, string Outcome, string ActorId = "dry-run", JsonObject? Fields = null, string? Item = null) : DryRunStep;

/// <summary>Casts a ballot in the open vote of an activity.</summary>
public sealed record CastVote(string ActivityId, string Voter, VoteChoice Choice) : DryRunStep;

/// <summary>Moves the clock forward; due timers fire.</summary>
public sealed record AdvanceTime(TimeSpan By) : DryRunStep;
