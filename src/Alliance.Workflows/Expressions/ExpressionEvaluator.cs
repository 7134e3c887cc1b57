using System.Text.Json.Nodes;
using Acornima;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Alliance.Workflows.Expressions;

/// <summary>
/// Evaluates JavaScript expressions with Jint in a sandbox: a time limit, a memory limit, a recursion
/// limit, a statement limit and no CLR access. Every failure becomes an <see cref="ExpressionException"/>.
/// </summary>
public sealed class ExpressionEvaluator(SandboxLimits limits)
{
    public ExpressionEvaluator()
        : this(new SandboxLimits())
    {
    }

    /// <summary>Returns null when the expression parses, else the syntax error's message.</summary>
    public static string? CheckSyntax(string expression)
    {
        try
        {
            new Parser().ParseScript(Wrap(expression));
            return null;
        }
        catch (ParseErrorException ex)
        {
            return ex.Description;
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> with the given globals (JSON values) and returns its JSON value.</summary>
    public JsonNode? Evaluate(string expression, IReadOnlyDictionary<string, JsonNode?> globals)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(globals);
        using var cancellation = new CancellationTokenSource(limits.Timeout * 2);
        try
        {
            using var engine = new Engine(options => options
                .Strict()
                .TimeoutInterval(limits.Timeout)
                .LimitMemory(limits.MemoryBytes)
                .LimitRecursion(limits.RecursionDepth)
                .MaxStatements(limits.MaxStatements)
                .CancellationToken(cancellation.Token)
                .RegexTimeoutInterval(limits.Timeout));
            var parser = new Jint.Native.Json.JsonParser(engine);
            foreach (var (name, value) in globals)
            {
                engine.SetValue(name, value is null ? JsValue.Null : parser.Parse(value.ToJsonString()));
            }

            var result = engine.Evaluate(Wrap(expression));
            if (result.IsUndefined())
            {
                return null;
            }

            var json = new Jint.Native.Json.JsonSerializer(engine).Serialize(result);
            return json.IsUndefined() ? null : JsonNode.Parse(json.AsString());
        }
        catch (ParseErrorException ex)
        {
            throw new ExpressionException($"syntax error: {ex.Description}", ex);
        }
        catch (JavaScriptException ex)
        {
            throw new ExpressionException($"script error: {ex.Message}", ex);
        }
        catch (TimeoutException ex)
        {
            throw new ExpressionException($"time limit of {limits.Timeout.TotalMilliseconds} ms exceeded", ex);
        }
        catch (MemoryLimitExceededException ex)
        {
            throw new ExpressionException("memory limit exceeded", ex);
        }
        catch (RecursionDepthOverflowException ex)
        {
            throw new ExpressionException("recursion limit exceeded", ex);
        }
        catch (StatementsCountOverflowException ex)
        {
            throw new ExpressionException("statement limit exceeded", ex);
        }
        catch (ExecutionCanceledException ex)
        {
            throw new ExpressionException($"time limit of {limits.Timeout.TotalMilliseconds} ms exceeded", ex);
        }
        catch (Exception ex) when (ex is not ExpressionException)
        {
            throw new ExpressionException($"evaluation failed: {ex.Message}", ex);
        }
    }

    /// <summary>Evaluates to a boolean using JavaScript truthiness of the JSON result.</summary>
    public bool EvaluateBoolean(string expression, IReadOnlyDictionary<string, JsonNode?> globals)
    {
        var value = Evaluate(expression, globals);
        return value switch
        {
            null => false,
            JsonValue v when v.TryGetValue(out bool b) => b,
            JsonValue v when v.TryGetValue(out double d) => d != 0 && !double.IsNaN(d),
            JsonValue v when v.TryGetValue(out string? s) => !string.IsNullOrEmpty(s),
            _ => true,
        };
    }

    private static string Wrap(string expression) => "(" + expression + "\n)";
}
