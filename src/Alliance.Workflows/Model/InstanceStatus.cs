namespace Alliance.Workflows.Model;

/// <summary>The lifecycle status of a workflow instance.</summary>
public enum InstanceStatus
{
    Running = 0,
    Waiting = 1,
    Completed = 2,
    Cancelled = 3,
    Faulted = 4,
}
