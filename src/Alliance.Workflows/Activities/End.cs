using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>Completes the instance: every other wait is removed.</summary>
public sealed record End : Activity
{
    public override IReadOnlyList<string> Ports => [];

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        context.Outcome = "completed";
        context.Execution.Close(InstanceStatus.Completed);
        return None;
    }
}
