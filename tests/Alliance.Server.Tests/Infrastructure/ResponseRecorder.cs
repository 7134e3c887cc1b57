using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Alliance.Server.Tests.Infrastructure;

/// <summary>
/// Records the status (and, for problem details, the <c>code</c>) of every API response a test host gives, so that the
/// host can check at its end that its OpenAPI document describes each of them (issue 20: the document is checked against
/// the responses the test suite actually receives).
/// </summary>
public sealed partial class ResponseRecorder
{
    private readonly ConcurrentDictionary<(string Method, string Path, int Status, string? Code), byte> _seen = new();

    public const string CodeItem = "alliance.problem-code";

    public IReadOnlyCollection<(string Method, string Path, int Status, string? Code)> Seen => [.. _seen.Keys];

    public void Record(HttpContext http)
    {
        var endpoint = http.GetEndpoint() as RouteEndpoint ?? http.Features.Get<IExceptionHandlerFeature>()?.Endpoint as RouteEndpoint;
        // A 500 is never part of the contract (fault-injection tests provoke it on purpose; the bad-input tests refuse it),
        // and nobody receives the answer to a request its client gave up (499).
        if (endpoint?.RoutePattern.RawText is not { } raw || !raw.StartsWith("/api", StringComparison.Ordinal)
            || http.Response.StatusCode is StatusCodes.Status500InternalServerError or StatusCodes.Status499ClientClosedRequest
            || http.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        _seen.TryAdd((http.Request.Method, Normalise(raw), http.Response.StatusCode, http.Items[CodeItem] as string), 0);
    }

    /// <summary><c>/api/items/{id:guid}/</c> → <c>/api/items/{id}</c>, as the document writes paths.</summary>
    public static string Normalise(string path) => Constraint().Replace(path, "{$1}").TrimEnd('/');

    /// <summary>What the document does not describe: a missing operation, status or problem code.</summary>
    public List<string> Undocumented(JsonNode document)
    {
        var paths = document["paths"]!.AsObject().ToDictionary(p => Normalise(p.Key), p => p.Value!, StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var (method, path, status, code) in Seen.OrderBy(s => s.Path, StringComparer.Ordinal).ThenBy(s => s.Status))
        {
            var operation = paths.GetValueOrDefault(path)?[method.ToLowerInvariant()];
            var response = operation?["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            if (operation is null)
            {
                missing.Add($"{method} {path}: no operation");
            }
            else if (response is null)
            {
                missing.Add($"{method} {path}: status {status} ({code}) not described");
            }
            else if (code is not null && response["content"]?["application/problem+json"]?["schema"]?["properties"]?["code"]?["enum"] is JsonArray codes
                && !codes.Any(c => c!.GetValue<string>() == code))
            {
                missing.Add($"{method} {path}: {status} code {code} not listed");
            }
            else if (code is not null && response["content"]?["application/problem+json"] is null)
            {
                missing.Add($"{method} {path}: {status} ({code}) described without problem details");
            }
        }

        return missing;
    }

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex Constraint();

    /// <summary>Puts the recording at the very start of the host's pipeline, around the exception handler.</summary>
    public sealed class StartupFilter(ResponseRecorder recorder) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (http, inner) =>
            {
                await inner(http);
                recorder.Record(http);
            });
            next(app);
        };
    }

    /// <summary>Notes the code of each problem written (it writes nothing itself, so the host's writer does).</summary>
    public sealed class CodeWriter : IProblemDetailsWriter
    {
        public bool CanWrite(ProblemDetailsContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            // The host's writer adds the standard code of a framework answer (401, 405, 415) as it writes; so does this note.
            context.HttpContext.Items[CodeItem] = context.ProblemDetails.Extensions.TryGetValue("code", out var code) && code is not null
                ? code.ToString()
                : Alliance.Server.Infrastructure.Api.ProblemCatalogue.Standard(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode);
            return false;
        }

        public ValueTask WriteAsync(ProblemDetailsContext context) => ValueTask.CompletedTask;
    }
}
