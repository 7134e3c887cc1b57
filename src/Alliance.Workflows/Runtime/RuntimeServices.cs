using Alliance.Workflows.Definitions;
using Alliance.Workflows.Expressions;

namespace Alliance.Workflows.Runtime;

/// <summary>What an execution needs from the runtime.</summary>
internal sealed class RuntimeServices(DefinitionRegistry definitions, TimeProvider time, WorkflowRuntimeOptions options)
{
    public DefinitionRegistry Definitions { get; } = definitions;

    public TimeProvider Time { get; } = time;

    public WorkflowRuntimeOptions Options { get; } = options;

    public ExpressionEvaluator Expressions { get; } = new(options.Sandbox);

    public DateTime UtcNow => Time.GetUtcNow().UtcDateTime;
}
