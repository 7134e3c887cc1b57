using System.Text.Json.Serialization;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>
/// Cancels the whole instance (target "instance", the default), the current fork branch (target "branch"),
/// or the waits of another activity (target = its id). Branch and activity targets continue on "done".
/// </summary>
public sealed record Cancel : Activity
{
    public const string InstanceTarget = "instance";
    public const string BranchTarget = "branch";

    [JsonPropertyName("target")]
    public string Target { get; init; } = InstanceTarget;

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        switch (Target)
        {
            case InstanceTarget:
                context.Outcome = "cancelled";
                context.Execution.Close(InstanceStatus.Cancelled);
                return None;
            case BranchTarget:
                context.Outcome = "branch cancelled";
                context.Execution.CancelBranch(context.Token.Branch);
                return None;
            default:
                context.Detail = $"cancelled {context.Execution.CancelActivity(Target)} wait(s) of {Target}";
                return Done;
        }
    }
}
