namespace Alliance.Server.Infrastructure.Problems;

/// <summary>
/// A failure that the caller should see as RFC 7807 problem details. Throw one of the subclasses from a
/// handler; <see cref="ProblemExceptionHandler"/> turns it into the response.
/// </summary>
public abstract class AllianceProblemException(int status, string code, BilingualText title, BilingualText detail)
    : Exception(detail.En)
{
    public int Status { get; } = status;

    /// <summary>A stable, machine-readable reason such as <c>task.already-claimed</c>.</summary>
    public string Code { get; } = code;

    public BilingualText Title { get; } = title;

    public BilingualText Detail { get; } = detail;
}

/// <summary>404: the thing does not exist, or exists outside the caller's scope (existence is not leaked).</summary>
public sealed class NotFoundProblem(BilingualText what)
    : AllianceProblemException(StatusCodes.Status404NotFound, "not-found",
        new("未找到", "Not found"),
        new($"未找到{what.Zh}，或您无权查看。", $"The {what.En} was not found, or is not visible to you."))
{
    public NotFoundProblem(string what)
        : this(new BilingualText(what, what))
    {
    }
}

/// <summary>403: the thing is visible, but this action on it is not allowed for the caller.</summary>
public sealed class ForbiddenProblem(string code, BilingualText detail)
    : AllianceProblemException(StatusCodes.Status403Forbidden, code, new("无权操作", "Forbidden"), detail)
{
    /// <summary>The one answer to acting for an organisation the caller does not act for (docs/api.md).</summary>
    public static ForbiddenProblem NotActingFor(BilingualText organisation) =>
        new("scope.not-acting-for", new($"您不代表所选的{organisation.Zh}。", $"You do not act for the {organisation.En} given."));
}

/// <summary>409: an illegal state transition; the detail says why.</summary>
public sealed class ConflictProblem(string code, BilingualText detail)
    : AllianceProblemException(StatusCodes.Status409Conflict, code, new("状态冲突", "Conflict"), detail);

/// <summary>400: each bad field named, with a message in both languages.</summary>
public sealed class ValidationProblem(IReadOnlyDictionary<string, BilingualText> errors)
    : AllianceProblemException(StatusCodes.Status400BadRequest, "validation",
        new("输入有误", "Invalid input"),
        new("请更正所列字段。", "Correct the fields listed."))
{
    public IReadOnlyDictionary<string, BilingualText> Errors { get; } = errors;

    public static ValidationProblem For(string field, string zh, string en) => new(new Dictionary<string, BilingualText> { [field] = new(zh, en) });
}
