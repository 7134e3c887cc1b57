namespace Alliance.Workflows.Runtime;

/// <summary>Why an action on the runtime was refused. The host maps <see cref="IsBadRequest"/> to 400, NotFound to 404, the rest to 409.</summary>
public enum ConflictCode
{
    NotFound = 0,
    InstanceClosed = 1,
    TaskClosed = 2,
    AlreadyClaimed = 3,
    NotCandidate = 4,
    OutcomeNotAllowed = 5,
    InvalidFields = 6,
    NotEligible = 7,
    AlreadyVoted = 8,
    AbstainNotAllowed = 9,
    InvalidInput = 10,
    UnknownDefinition = 11,
    NotFaulted = 12,
}

/// <summary>One bad form field, named, with a message in zh-CN and en.</summary>
public sealed record FieldError(string Field, string MessageZh, string MessageEn);

/// <summary>A typed refusal with messages in zh-CN and en.</summary>
public sealed record WorkflowConflict(ConflictCode Code, string MessageZh, string MessageEn, IReadOnlyList<FieldError> FieldErrors)
{
    public WorkflowConflict(ConflictCode code, string messageZh, string messageEn)
        : this(code, messageZh, messageEn, [])
    {
    }

    public bool IsBadRequest => Code is ConflictCode.InvalidFields or ConflictCode.InvalidInput or ConflictCode.OutcomeNotAllowed or ConflictCode.AbstainNotAllowed;
}

/// <summary>Thrown by the runtime API when an action is refused; carries the <see cref="WorkflowConflict"/>.</summary>
public sealed class WorkflowConflictException : Exception
{
    public WorkflowConflictException()
        : this(new WorkflowConflict(ConflictCode.NotFound, "未找到", "Not found"))
    {
    }

    public WorkflowConflictException(string message)
        : this(new WorkflowConflict(ConflictCode.InvalidInput, message, message))
    {
    }

    public WorkflowConflictException(string message, Exception innerException)
        : base(message, innerException) => Conflict = new WorkflowConflict(ConflictCode.InvalidInput, message, message);

    public WorkflowConflictException(WorkflowConflict conflict)
        : base($"{conflict.Code}: {conflict.MessageEn}") => Conflict = conflict;

    public WorkflowConflict Conflict { get; }

    public ConflictCode Code => Conflict.Code;
}

/// <summary>The store found that the instance changed since it was loaded (optimistic concurrency); the runtime retries.</summary>
public sealed class WorkflowConcurrencyException : Exception
{
    public WorkflowConcurrencyException()
    {
    }

    public WorkflowConcurrencyException(string message)
        : base(message)
    {
    }

    public WorkflowConcurrencyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
