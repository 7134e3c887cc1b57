namespace Alliance.Workflows.Model;

/// <summary>
/// A persisted wait: human task, message, timer, child workflow or vote. Keyed by activity and correlation:
/// a stimulus resumes the bookmark whose <see cref="StimulusType"/> and <see cref="CorrelationKey"/> it matches.
/// Human-task columns are queryable so that the host can list open tasks.
/// </summary>
public sealed class Bookmark
{
    public BookmarkId Id { get; set; }

    public InstanceId InstanceId { get; set; }

    public string ActivityId { get; set; } = "";

    public BookmarkKind Kind { get; set; }

    /// <summary>The fork branch path of the token that waits here ("" at the root).</summary>
    public string Branch { get; set; } = "";

    /// <summary>The scope (fork or collector execution) this bookmark belongs to, if any.</summary>
    public string? Scope { get; set; }

    public string? StimulusType { get; set; }

    public string? CorrelationKey { get; set; }

    public DateTime CreatedUtc { get; set; }

    // Timers
    public DateTime? DueUtc { get; set; }

    public TimerPurpose? Purpose { get; set; }

    public BookmarkId? RelatedBookmarkId { get; set; }

    // Human tasks
    public string? TitleZh { get; set; }

    public string? TitleEn { get; set; }

    public string? CandidateRole { get; set; }

    /// <summary>The candidate organisation, or several, comma-separated (any of them may act; the first claim wins).</summary>
    public string? CandidateOrganisation { get; set; }

    /// <summary>For a ParallelForEach task: the member of the set this task is for.</summary>
    public string? Item { get; set; }

    public IReadOnlyList<string> AllowedOutcomes { get; set; } = [];

    public IReadOnlyList<FormField> Fields { get; set; } = [];

    /// <summary>The deadline of a task. Its reminders are timer bookmarks (purpose Reminder) whose <see cref="RelatedBookmarkId"/> is the task.</summary>
    public DateTime? DeadlineUtc { get; set; }

    public string? EscalationRole { get; set; }

    public string? EscalationOrganisation { get; set; }

    public bool Escalated { get; set; }

    public string? ClaimedBy { get; set; }

    public string? DelegatedTo { get; set; }

    // Votes
    public IReadOnlyList<string> EligibleVoters { get; set; } = [];

    public IReadOnlyList<Ballot> Ballots { get; set; } = [];

    /// <summary>Whether <paramref name="organisationId"/> is one of the candidate organisations (none named: anyone with the role).</summary>
    public bool IsCandidateOrganisation(string? organisationId) =>
        string.IsNullOrEmpty(CandidateOrganisation)
        || (organisationId is not null && CandidateOrganisation.Split(',').Contains(organisationId, StringComparer.Ordinal));

    internal Bookmark Clone() => (Bookmark)MemberwiseClone();
}

/// <summary>One vote cast: the voter (a person, or an organisation), the choice, when, and for an organisation the person who cast it.</summary>
public sealed record Ballot(string Voter, VoteChoice Choice, DateTime AtUtc, string? CastBy = null);

/// <summary>A ballot's choice.</summary>
public enum VoteChoice
{
    Yes = 0,
    No = 1,
    Abstain = 2,
}
