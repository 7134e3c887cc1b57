namespace Alliance.Workflows.Activities;

/// <summary>The registry of activity type names used in definitions.</summary>
public static class ActivityTypes
{
    private static readonly Dictionary<string, Type> ByName = new(StringComparer.Ordinal)
    {
        ["Start"] = typeof(Start),
        ["End"] = typeof(End),
        ["HumanTask"] = typeof(HumanTask),
        ["WaitForMessage"] = typeof(WaitForMessage),
        ["Timer"] = typeof(Timer),
        ["Decision"] = typeof(Decision),
        ["Switch"] = typeof(Switch),
        ["Fork"] = typeof(Fork),
        ["Join"] = typeof(Join),
        ["ParallelForEach"] = typeof(ParallelForEach),
        ["Vote"] = typeof(Vote),
        ["SetVariable"] = typeof(SetVariable),
        ["SetStatus"] = typeof(SetStatus),
        ["Publish"] = typeof(Publish),
        ["Notify"] = typeof(Notify),
        ["StartChild"] = typeof(StartChild),
        ["Compensate"] = typeof(Compensate),
        ["Cancel"] = typeof(Cancel),
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static Type? Find(string name) => ByName.GetValueOrDefault(name);

    public static string NameOf(Type type) => type.Name;
}
