namespace Alliance.Workflows;

/// <summary>Identifies one workflow instance.</summary>
public readonly record struct InstanceId(Guid Value)
{
    public static InstanceId New() => new(Guid.NewGuid());

    public override string ToString() => Value.ToString("N");
}

/// <summary>Identifies one bookmark (a wait). A human task's id is its bookmark id.</summary>
public readonly record struct BookmarkId(Guid Value)
{
    public static BookmarkId New() => new(Guid.NewGuid());

    public override string ToString() => Value.ToString("N");
}

/// <summary>The sender's unique id of a stimulus; a stimulus id seen before has no effect (inbox).</summary>
public readonly record struct StimulusId(string Value)
{
    public static StimulusId New() => new(Guid.NewGuid().ToString("N"));

    public override string ToString() => Value;
}

/// <summary>A workflow definition's id plus its version.</summary>
public readonly record struct DefinitionKey(string Id, int Version)
{
    public override string ToString() => $"{Id}@v{Version}";
}
