using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>Where a run begins (exactly one per definition).</summary>
public sealed record Start : Activity
{
    internal override IReadOnlyList<string> Execute(ActivityContext context) => Done;
}
