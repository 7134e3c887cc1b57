namespace Alliance.Workflows.Definitions;

/// <summary>One problem found when loading a definition: the file, the JSON path and what is wrong.</summary>
public sealed record DefinitionError(string File, string Path, string Code, string Message)
{
    public override string ToString() => $"{File}: {Path}: {Message} [{Code}]";
}

/// <summary>The stable codes of definition errors.</summary>
public static class DefinitionErrorCodes
{
    public const string InvalidJson = "invalid-json";
    public const string Schema = "schema";
    public const string MissingProperty = "missing-property";
    public const string UnknownActivityType = "unknown-activity-type";
    public const string DuplicateId = "duplicate-id";
    public const string DanglingConnection = "dangling-connection";
    public const string BadConnection = "bad-connection";
    public const string Unreachable = "unreachable-activity";
    public const string LoopWithoutWait = "loop-without-wait";
    public const string ExpressionSyntax = "expression-syntax";
    public const string BadReference = "bad-reference";
    public const string StartCount = "start-count";
    public const string DuplicateVersion = "duplicate-version";
}
