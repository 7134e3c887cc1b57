using System.Text.Json;
using System.Text.Json.Serialization;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>The share of yes votes needed to pass.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VoteThreshold>))]
public enum VoteThreshold
{
    [JsonStringEnumMemberName("simpleMajority")] SimpleMajority,
    [JsonStringEnumMemberName("twoThirds")] TwoThirds,
    [JsonStringEnumMemberName("unanimous")] Unanimous,
}

/// <summary>
/// A vote: eligible voters, quorum, threshold, abstention and a deadline. It closes when every eligible voter has
/// voted or at the deadline, on port "passed", "failed" or "noQuorum" (semantics in docs/workflows.md).
/// </summary>
public sealed record Vote : Activity
{
    /// <summary>A JavaScript expression giving an array of voter (user) ids.</summary>
    [JsonPropertyName("voters")]
    public string Voters { get; init; } = "";

    /// <summary>The share of eligible voters that must cast a ballot (abstentions count), 0..1.</summary>
    [JsonPropertyName("quorum")]
    public double Quorum { get; init; } = 0.5;

    /// <summary>True: participation must be strictly more than <see cref="Quorum"/>; false: at least.</summary>
    [JsonPropertyName("quorumStrict")]
    public bool QuorumStrict { get; init; } = true;

    [JsonPropertyName("threshold")]
    public VoteThreshold Threshold { get; init; } = VoteThreshold.SimpleMajority;

    [JsonPropertyName("allowAbstain")]
    public bool AllowAbstain { get; init; } = true;

    [JsonPropertyName("deadline")]
    public string? Deadline { get; init; }

    [JsonPropertyName("resultVariable")]
    public string? ResultVariable { get; init; }

    public override IReadOnlyList<string> Ports => [Outcomes.Passed, Outcomes.Failed, Outcomes.NoQuorum];

    public override bool Waits => true;

    internal override IEnumerable<(string Property, string Source)> Expressions() => [("voters", Voters)];

    /// <summary>The live tally of a vote bookmark.</summary>
    public VoteTally Tally(Bookmark vote)
    {
        ArgumentNullException.ThrowIfNull(vote);
        var eligible = vote.EligibleVoters.Count;
        var yes = vote.Ballots.Count(b => b.Choice == VoteChoice.Yes);
        var no = vote.Ballots.Count(b => b.Choice == VoteChoice.No);
        var abstain = vote.Ballots.Count(b => b.Choice == VoteChoice.Abstain);
        var cast = yes + no + abstain;
        var quorumReached = QuorumStrict ? cast > Quorum * eligible : cast >= Quorum * eligible;
        var passes = Threshold switch
        {
            VoteThreshold.SimpleMajority => yes * 2 > cast,
            VoteThreshold.TwoThirds => yes * 3 >= cast * 2 && yes > 0,
            _ => no == 0 && yes > 0,
        };
        var outcome = !quorumReached ? Outcomes.NoQuorum : passes ? Outcomes.Passed : Outcomes.Failed;
        return new VoteTally(vote.Id, eligible, yes, no, abstain, eligible - cast, quorumReached, outcome);
    }

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        var voters = context.EvaluateStrings(Voters).Distinct().ToList();
        var vote = context.AddBookmark(BookmarkKind.Vote);
        vote.EligibleVoters = voters;
        if (Deadline is not null)
        {
            vote.DeadlineUtc = context.UtcNow + context.Duration(Deadline);
            context.AddTimer(TimerPurpose.Deadline, vote.DeadlineUtc.Value, vote.Id);
        }

        if (voters.Count == 0)
        {
            return Close(context, vote);
        }

        return None;
    }

    internal override IReadOnlyList<string> Resume(ActivityContext context, Bookmark bookmark, Signal signal)
    {
        if (signal is not VoteCastSignal cast)
        {
            return base.Resume(context, bookmark, signal);
        }

        bookmark.Ballots = [.. bookmark.Ballots, new Ballot(cast.Voter.Id, cast.Choice, context.UtcNow)];
        context.UpdateBookmark(bookmark);
        context.Detail = cast.Choice.ToString();
        return bookmark.Ballots.Count < bookmark.EligibleVoters.Count ? None : Close(context, bookmark);
    }

    internal override IReadOnlyList<string> OnTimer(ActivityContext context, Bookmark timer)
    {
        var vote = timer.RelatedBookmarkId is { } id ? context.Execution.FindBookmark(id) : null;
        return vote is null ? None : Close(context, vote);
    }

    private IReadOnlyList<string> Close(ActivityContext context, Bookmark vote)
    {
        var tally = Tally(vote);
        context.RemoveBookmark(vote);
        if (ResultVariable is not null)
        {
            context.SetVariable(ResultVariable, JsonSerializer.SerializeToNode(tally, JsonSerializerOptions.Web));
        }

        return [tally.Outcome];
    }
}

/// <summary>A vote's live count: eligible, yes, no, abstain, not yet voted, whether the quorum is reached, and the outcome if it closed now.</summary>
public sealed record VoteTally(BookmarkId VoteId, int Eligible, int Yes, int No, int Abstain, int NotVoted, bool QuorumReached, string Outcome);
