using System.Text.Json.Nodes;

namespace Alliance.Workflows.Runtime;

/// <summary>Child workflows are created and run in the parent's commit.</summary>
internal sealed partial class WorkflowExecution
{
    public InstanceId StartChild(string workflowId, JsonObject? input, bool parentWaits)
    {
        var definition = _services.Definitions.Latest(workflowId)
            ?? throw new InvalidOperationException($"no published workflow '{workflowId}'");
        var child = CreateNew(_services, definition, input, Actor, _commit, Instance.Id, parentWaits, null);
        child.StartRun();
        child.Finish();
        return child.Instance.Id;
    }
}
