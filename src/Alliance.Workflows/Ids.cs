namespace Alliance.Workflows;

// New instance and bookmark ids (and journal, outbox and incident row ids) are time-ordered UUIDs (version 7): a new
// row lands at the end of its key index, on the page the previous commit already wrote, instead of on a random page.

/// <summary>Identifies one workflow instance.</summary>
public readonly record struct InstanceId(Guid Value)
{
    public static InstanceId New() => new(NewIds.Version7());

    public override string ToString() => Value.ToString("N");
}

/// <summary>Identifies one bookmark (a wait). A human task's id is its bookmark id.</summary>
public readonly record struct BookmarkId(Guid Value)
{
    public static BookmarkId New() => new(NewIds.Version7());

    public override string ToString() => Value.ToString("N");
}

/// <summary>The sender's unique id of a stimulus; a stimulus id seen before has no effect (inbox).</summary>
public readonly record struct StimulusId(string Value)
{
    public static StimulusId New() => new(NewIds.Version7().ToString("N"));

    public override string ToString() => Value;
}

/// <summary>A workflow definition's id plus its version.</summary>
public readonly record struct DefinitionKey(string Id, int Version)
{
    public override string ToString() => $"{Id}@v{Version}";
}
