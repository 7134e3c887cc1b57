using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Acornima;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Alliance.Workflows.Expressions;

/// <summary>
/// Evaluates JavaScript expressions with Jint in a sandbox: a time limit, a memory limit, a recursion
/// limit, a statement limit and no CLR access. Every failure becomes an <see cref="ExpressionException"/>.
/// Engines are pooled; each has frozen built-ins and a sealed global object, so one evaluation cannot leave
/// anything behind for the next. Parsed expressions are cached.
/// </summary>
public sealed class ExpressionEvaluator(SandboxLimits limits)
{
    private const int MaxCachedScripts = 10_000;
    private static readonly string[] Globals = ["vars", "now", "instanceId", "payload", "item"];

    private const string Harden = """
        (function () {
          'use strict';
          for (const name of Object.getOwnPropertyNames(globalThis)) {
            const value = globalThis[name];
            if (name !== 'globalThis' && value !== null && (typeof value === 'object' || typeof value === 'function')) {
              if (value.prototype) { Object.freeze(value.prototype); }
              Object.freeze(value);
            }
          }
          Object.seal(globalThis);
        })();
        """;

    private readonly ConcurrentBag<(Engine Engine, ClockTimeSystem Clock)> _engines = [];
    private readonly ConcurrentDictionary<string, Prepared<Script>> _scripts = new(StringComparer.Ordinal);

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
    /// <param name="now">JavaScript's current time (<c>Date.now()</c>); the Unix epoch when not given.</param>
    public JsonNode? Evaluate(string expression, IReadOnlyDictionary<string, JsonNode?> globals, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(globals);
        var pooled = _engines.TryTake(out var free) ? free : CreateEngine();
        var engine = pooled.Engine;
        pooled.Clock.Now = now ?? DateTimeOffset.UnixEpoch;
        try
        {
            var script = Prepare(expression);
            foreach (var name in Globals)
            {
                engine.SetValue(name, globals.TryGetValue(name, out var value) && value is not null ? ToJs(engine, value) : JsValue.Undefined);
            }

            var result = engine.Evaluate(script);
            var json = result.IsUndefined() ? null : new Jint.Native.Json.JsonSerializer(engine).Serialize(result);
            _engines.Add(pooled);
            return json is null || json.IsUndefined() ? null : JsonNode.Parse(json.AsString());
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
        catch (Exception ex) when (ex is not ExpressionException)
        {
            throw new ExpressionException($"evaluation failed: {ex.Message}", ex);
        }
    }

    /// <summary>A new hardened engine. The first ones of a process run cold code, so a time-out while hardening is retried.</summary>
    private (Engine Engine, ClockTimeSystem Clock) CreateEngine()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return CreateHardenedEngine();
            }
            catch (TimeoutException) when (attempt < 5)
            {
                // cold start (JIT) exceeded the time limit: try again, now warm
            }
            catch (TimeoutException ex)
            {
                // a machine so loaded that even the warm-up misses the limit: a bounded error like any other
                throw new ExpressionException($"time limit of {limits.Timeout.TotalMilliseconds} ms exceeded", ex);
            }
        }
    }

    private (Engine Engine, ClockTimeSystem Clock) CreateHardenedEngine()
    {
        var clock = new ClockTimeSystem();
        var engine = new Engine(options =>
        {
            options.TimeSystem = clock;
            options.Strict()
                .TimeoutInterval(limits.Timeout)
                .LimitMemory(limits.MemoryBytes)
                .LimitRecursion(limits.RecursionDepth)
                .MaxStatements(limits.MaxStatements)
                .RegexTimeoutInterval(limits.Timeout);
        });
        foreach (var name in Globals)
        {
            engine.SetValue(name, JsValue.Undefined);
        }

        engine.Execute(Harden);

        // Warm the paths every evaluation takes, so that a cold process does not hit the time limit on real work.
        var warm = new Jint.Native.Json.JsonParser(engine).Parse("{\"a\":[1,\"x\",true,null,{\"b\":2.5}]}");
        new Jint.Native.Json.JsonSerializer(engine).Serialize(engine.Evaluate("(function (w) { return [w, String(1).length > 0 ? 'y' : 'n']; })").Call(warm));
        return (engine, clock);
    }

    private Prepared<Script> Prepare(string expression)
    {
        if (_scripts.TryGetValue(expression, out var script))
        {
            return script;
        }

        if (_scripts.Count >= MaxCachedScripts)
        {
            _scripts.Clear();
        }

        return _scripts.GetOrAdd(expression, e => Engine.PrepareScript(Wrap(e)));
    }

    private static string Wrap(string expression) => "(" + expression + "\n)";

    /// <summary>
    /// The JavaScript value of a JSON value, as <c>JSON.parse</c> of its text would give it (plain objects with
    /// Object.prototype, arrays, strings, numbers as doubles, booleans, null), built directly rather than printed and parsed.
    /// </summary>
    private static JsValue ToJs(Engine engine, JsonNode? node)
    {
        switch (node)
        {
            case null:
                return JsValue.Null;
            case JsonObject obj:
                var result = new JsObject(engine);
                foreach (var (name, value) in obj)
                {
                    result.CreateDataProperty(name, ToJs(engine, value));
                }

                return result;
            case JsonArray array:
                var items = new JsValue[array.Count];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = ToJs(engine, array[i]);
                }

                return new JsArray(engine, items);
            default:
                var leaf = node.AsValue();
                switch (leaf.GetValueKind())
                {
                    case JsonValueKind.String when leaf.TryGetValue(out string? text):
                        return JsString.Create(text);
                    case JsonValueKind.Number when leaf.TryGetValue(out double number):
                        return JsNumber.Create(number);
                    case JsonValueKind.True:
                        return JsBoolean.True;
                    case JsonValueKind.False:
                        return JsBoolean.False;
                    case JsonValueKind.Null:
                        return JsValue.Null;
                    default:
                        return new Jint.Native.Json.JsonParser(engine).Parse(leaf.ToJsonString()); // e.g. a number held as an int or decimal
                }
        }
    }
}
