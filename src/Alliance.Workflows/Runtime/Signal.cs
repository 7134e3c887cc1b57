using System.Text.Json.Nodes;
using Alliance.Workflows.Model;

namespace Alliance.Workflows.Runtime;

/// <summary>What resumes a bookmark.</summary>
internal abstract record Signal;

internal sealed record MessageSignal(Stimulus Stimulus) : Signal;

internal sealed record TaskCompletedSignal(Actor Actor, string Outcome, string? Comment, JsonObject Fields) : Signal;

internal sealed record VoteCastSignal(Actor Voter, VoteChoice Choice) : Signal;
