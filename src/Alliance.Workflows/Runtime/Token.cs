namespace Alliance.Workflows.Runtime;

/// <summary>A point of control flow: the activity to run and the fork branch path it runs on.</summary>
internal readonly record struct Token(string ActivityId, string Branch);

/// <summary>Fork branch paths look like "fork#3.0/inner#5.2": scope "fork#3", branch index 0, nested.</summary>
internal static class Branches
{
    public static string Child(string parent, string scope, int index) =>
        parent.Length == 0 ? $"{scope}.{index}" : $"{parent}/{scope}.{index}";

    public static IEnumerable<(string Scope, int Index, string Parent)> Segments(string branch)
    {
        if (branch.Length == 0)
        {
            yield break;
        }

        var parts = branch.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            var dot = parts[i].LastIndexOf('.');
            yield return (parts[i][..dot], int.Parse(parts[i][(dot + 1)..], System.Globalization.CultureInfo.InvariantCulture), string.Join('/', parts[..i]));
        }
    }

    public static bool IsWithin(string branch, string scope) =>
        branch.Split('/').Any(p => p.StartsWith(scope + ".", StringComparison.Ordinal));

    public static string ScopeOf(string activityId, int sequence) => $"{activityId}#{sequence}";

    public static string ActivityOfScope(string scope) => scope[..scope.LastIndexOf('#')];
}
