namespace Alliance.Workflows.Expressions;

/// <summary>An expression failed: syntax, runtime error, or a sandbox limit (time, memory, recursion).</summary>
public sealed class ExpressionException : Exception
{
    public ExpressionException()
    {
    }

    public ExpressionException(string message)
        : base(message)
    {
    }

    public ExpressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
