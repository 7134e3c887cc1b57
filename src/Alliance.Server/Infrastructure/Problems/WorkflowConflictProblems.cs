using Alliance.Workflows.Runtime;

namespace Alliance.Server.Infrastructure.Problems;

/// <summary>
/// The one mapping from the runtime's typed refusals to problem details: a missing instance or task is 404,
/// bad fields or input are 400 (each field named), every other refusal is an illegal transition, 409 with the
/// runtime's reason. An outcome outside the allowed set is a 409 as well: the task exists, the request is
/// well-formed, but the transition is not allowed.
/// </summary>
public static class WorkflowConflictProblems
{
    public static AllianceProblemException ToProblem(WorkflowConflictException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var conflict = exception.Conflict;
        var reason = new BilingualText(conflict.MessageZh, conflict.MessageEn);
        return conflict.Code switch
        {
            ConflictCode.NotFound => new NotFoundProblem(new BilingualText("流程或任务", "workflow instance or task")),
            ConflictCode.InvalidFields or ConflictCode.InvalidInput when conflict.FieldErrors.Count > 0 =>
                new ValidationProblem(conflict.FieldErrors.ToDictionary(f => f.Field, f => new BilingualText(f.MessageZh, f.MessageEn))),
            ConflictCode.InvalidInput => ValidationProblem.For("input", conflict.MessageZh, conflict.MessageEn),
            _ => new ConflictProblem(CodeOf(conflict.Code.ToString()), reason),
        };
    }

    /// <summary>The problem code of a runtime refusal: <c>AlreadyClaimed</c> → <c>workflow.already-claimed</c>.</summary>
    public static string CodeOf(string conflictCode) => "workflow." + Kebab(conflictCode);

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
