namespace Alliance.Workflows.Model;

/// <summary>What a bookmark waits for.</summary>
public enum BookmarkKind
{
    HumanTask = 0,
    Message = 1,
    Timer = 2,
    Child = 3,
    Vote = 4,
}

/// <summary>Why a timer bookmark exists.</summary>
public enum TimerPurpose
{
    /// <summary>A Timer activity waiting to continue.</summary>
    Resume = 0,

    /// <summary>A reminder before a human task's deadline.</summary>
    Reminder = 1,

    /// <summary>The deadline of a human task, vote or collection window (see <see cref="Bookmark.RelatedBookmarkId"/> or scope).</summary>
    Deadline = 2,

    /// <summary>The back-off before retrying a faulted activity.</summary>
    Retry = 3,

    /// <summary>A Join's deadline.</summary>
    JoinDeadline = 4,
}
