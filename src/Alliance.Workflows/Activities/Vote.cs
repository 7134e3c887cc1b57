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

/// <summary>The ballot task each voting organisation gets: its title, the role that answers for the organisation, and form fields.</summary>
public sealed record BallotTemplate
{
    [JsonPropertyName("title")]
    public LocalizedText Title { get; init; } = new("", "");

    [JsonPropertyName("role")]
    public string Role { get; init; } = "";

    [JsonPropertyName("fields")]
    public IReadOnlyList<FormField> Fields { get; init; } = [];
}

/// <summary>
/// A vote: eligible voters (people, or organisations that each vote once through a ballot task), quorum,
/// threshold, abstention and a deadline. It closes when every eligible voter has voted or at the deadline, on
/// port "passed", "failed" or "noQuorum" (semantics in docs/workflows.md). Quorum and threshold are fixed in the
/// definition, or given by expressions (<see cref="QuorumShare"/>, <see cref="PassShare"/>) evaluated when the vote opens.
/// </summary>
public sealed record Vote : Activity
{
    /// <summary>The outcomes of a ballot task, which are the choices.</summary>
    public const string Yes = "yes";

    public const string No = "no";

    public const string Abstain = "abstain";

    /// <summary>The notification a vote sends when it opens, after each ballot and when it closes.</summary>
    public const string TalliedMessage = "vote.tallied";

    /// <summary>A JavaScript expression giving an array of voter (user) ids. Either this or <see cref="Organisations"/>.</summary>
    [JsonPropertyName("voters")]
    public string? Voters { get; init; }

    /// <summary>
    /// A JavaScript expression giving an array of organisation ids. Each organisation votes once: it gets a ballot
    /// task (<see cref="Ballot"/>) that anyone holding the ballot's role for it may complete with yes, no or abstain.
    /// </summary>
    [JsonPropertyName("organisations")]
    public string? Organisations { get; init; }

    [JsonPropertyName("ballot")]
    public BallotTemplate? Ballot { get; init; }

    /// <summary>The share of eligible voters that must cast a ballot (abstentions count), 0..1.</summary>
    [JsonPropertyName("quorum")]
    public double Quorum { get; init; } = 0.5;

    /// <summary>True: participation must be strictly more than <see cref="Quorum"/>; false: at least.</summary>
    [JsonPropertyName("quorumStrict")]
    public bool QuorumStrict { get; init; } = true;

    [JsonPropertyName("threshold")]
    public VoteThreshold Threshold { get; init; } = VoteThreshold.SimpleMajority;

    /// <summary>An expression giving the quorum as an exact share of the eligible voters (see <see cref="VoteShare"/>); replaces <see cref="Quorum"/>.</summary>
    [JsonPropertyName("quorumShare")]
    public string? QuorumShare { get; init; }

    /// <summary>An expression giving the share of the ballots cast (abstentions count) that must be yes; replaces <see cref="Threshold"/>.</summary>
    [JsonPropertyName("passShare")]
    public string? PassShare { get; init; }

    [JsonPropertyName("allowAbstain")]
    public bool AllowAbstain { get; init; } = true;

    [JsonPropertyName("deadline")]
    public string? Deadline { get; init; }

    [JsonPropertyName("resultVariable")]
    public string? ResultVariable { get; init; }

    public override IReadOnlyList<string> Ports => [Outcomes.Passed, Outcomes.Failed, Outcomes.NoQuorum];

    public override bool Waits => true;

    /// <summary>The outcomes a ballot task offers.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Choices => AllowAbstain ? [Yes, No, Abstain] : [Yes, No];

    internal override IEnumerable<(string Property, string Source)> Expressions() =>
        new[] { ("voters", Voters), ("organisations", Organisations), ("quorumShare", QuorumShare), ("passShare", PassShare) }
            .Where(e => e.Item2 is not null).Select(e => (e.Item1, e.Item2!));

    /// <summary>The live tally of a vote bookmark, with the shares it was opened with (<paramref name="state"/>: the instance's).</summary>
    public VoteTally Tally(Bookmark vote, InstanceState state)
    {
        ArgumentNullException.ThrowIfNull(vote);
        ArgumentNullException.ThrowIfNull(state);
        var shares = state.Votes.Find(v => v.VoteId == vote.Id);
        var eligible = vote.EligibleVoters.Count;
        var yes = vote.Ballots.Count(b => b.Choice == VoteChoice.Yes);
        var no = vote.Ballots.Count(b => b.Choice == VoteChoice.No);
        var abstain = vote.Ballots.Count(b => b.Choice == VoteChoice.Abstain);
        var cast = yes + no + abstain;
        var quorumReached = shares?.Quorum is { } quorum
            ? quorum.IsMetBy(cast, eligible)
            : QuorumStrict ? cast > Quorum * eligible : cast >= Quorum * eligible;
        var passes = shares?.Pass is { } pass
            ? pass.IsMetBy(yes, cast)
            : Threshold switch
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
        var voters = context.EvaluateStrings(Organisations ?? Voters ?? "[]").Distinct().ToList();
        var vote = context.AddBookmark(BookmarkKind.Vote);
        vote.EligibleVoters = voters;
        if (QuorumShare is not null || PassShare is not null)
        {
            context.State.Votes.Add(new VoteState
            {
                VoteId = vote.Id,
                Quorum = QuorumShare is null ? null : VoteShare.From(context.Evaluate(QuorumShare)),
                Pass = PassShare is null ? null : VoteShare.From(context.Evaluate(PassShare)),
            });
        }

        if (Deadline is not null)
        {
            vote.DeadlineUtc = context.UtcNow + context.Duration(Deadline);
            context.AddTimer(TimerPurpose.Deadline, vote.DeadlineUtc.Value, vote.Id);
        }

        if (voters.Count == 0)
        {
            return Close(context, vote);
        }

        if (Organisations is not null)
        {
            foreach (var organisation in voters)
            {
                OpenBallot(context, vote, organisation);
            }
        }

        Announce(context, Tally(vote, context.State), open: true);
        return None;
    }

    internal override IReadOnlyList<string> Resume(ActivityContext context, Bookmark bookmark, Signal signal)
    {
        switch (signal)
        {
            case VoteCastSignal cast:
                return Count(context, bookmark, new Ballot(cast.Voter.Id, cast.Choice, context.UtcNow));
            case TaskCompletedSignal done when bookmark.Kind == BookmarkKind.HumanTask
                && bookmark.RelatedBookmarkId is { } voteId && context.Execution.FindBookmark(voteId) is { } vote:
                context.RemoveBookmark(bookmark);
                var choice = done.Outcome switch
                {
                    Yes => VoteChoice.Yes,
                    No => VoteChoice.No,
                    _ => VoteChoice.Abstain,
                };
                return Count(context, vote, new Ballot(bookmark.Item!, choice, context.UtcNow, done.Actor.Id));
            default:
                return base.Resume(context, bookmark, signal);
        }
    }

    internal override IReadOnlyList<string> OnTimer(ActivityContext context, Bookmark timer)
    {
        var vote = timer.RelatedBookmarkId is { } id ? context.Execution.FindBookmark(id) : null;
        return vote is null ? None : Close(context, vote);
    }

    /// <summary>One ballot task for <paramref name="organisation"/>, tied to the vote (closing the vote closes it).</summary>
    private void OpenBallot(ActivityContext context, Bookmark vote, string organisation)
    {
        var template = Ballot ?? new BallotTemplate();
        var task = context.AddBookmark(BookmarkKind.HumanTask);
        task.RelatedBookmarkId = vote.Id;
        task.Item = organisation;
        task.TitleZh = template.Title.ZhCn;
        task.TitleEn = template.Title.En;
        task.CandidateRole = template.Role;
        task.CandidateOrganisation = organisation;
        task.AllowedOutcomes = Choices;
        task.Fields = template.Fields;
        task.DeadlineUtc = vote.DeadlineUtc;
        context.Send(OutboxKind.Notification, "task.opened", HumanTask.TaskPayload(task, context.Instance));
    }

    private IReadOnlyList<string> Count(ActivityContext context, Bookmark vote, Ballot ballot)
    {
        vote.Ballots = [.. vote.Ballots, ballot];
        context.UpdateBookmark(vote);
        context.Detail = Organisations is null ? ballot.Choice.ToString() : $"{ballot.Voter}: {ballot.Choice}";
        if (vote.Ballots.Count < vote.EligibleVoters.Count)
        {
            Announce(context, Tally(vote, context.State), open: true);
            return None;
        }

        return Close(context, vote);
    }

    /// <summary>
    /// The "vote.tallied" notification: the tally after the vote opened, after each ballot and when it closed
    /// (<c>open</c> false, <c>outcome</c> final), in the same commit as the change, so none is lost or doubled.
    /// </summary>
    private void Announce(ActivityContext context, VoteTally tally, bool open)
    {
        var payload = JsonSerializer.SerializeToNode(tally, JsonSerializerOptions.Web)!.AsObject();
        payload["voteId"] = tally.VoteId.ToString();
        payload["instanceId"] = context.Instance.Id.ToString();
        payload["activityId"] = Id;
        payload["cast"] = tally.Yes + tally.No + tally.Abstain;
        payload["open"] = open;
        context.Send(OutboxKind.Notification, TalliedMessage, payload);
    }

    private IReadOnlyList<string> Close(ActivityContext context, Bookmark vote)
    {
        var tally = Tally(vote, context.State);
        context.State.Votes.RemoveAll(v => v.VoteId == vote.Id);
        context.RemoveBookmark(vote);
        Announce(context, tally, open: false);
        if (ResultVariable is not null)
        {
            context.SetVariable(ResultVariable, JsonSerializer.SerializeToNode(tally, JsonSerializerOptions.Web));
        }

        return [tally.Outcome];
    }
}

/// <summary>A vote's live count: eligible, yes, no, abstain, not yet voted, whether the quorum is reached, and the outcome if it closed now.</summary>
public sealed record VoteTally(BookmarkId VoteId, int Eligible, int Yes, int No, int Abstain, int NotVoted, bool QuorumReached, string Outcome);
