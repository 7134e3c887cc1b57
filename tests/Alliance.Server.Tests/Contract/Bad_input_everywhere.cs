using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using CsCheck;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Contract;

/// <summary>
/// Issue 20, "bad input is tested across the surface": random bad input for every endpoint the host maps (read from its
/// endpoint list): wrong types, numbers for names, unknown names, control characters, huge strings, negative and huge
/// numbers, bad ids, bodies that are not objects. Never a 500 nor a success; always problem details with a code; a bad
/// value is a 400 naming its field (or, for a route value, a 404); and nothing is stored.
/// </summary>
public sealed class Bad_input_everywhere(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    /// <summary>One bad request: where the bad value goes, the field it names, and the value (a JSON value for bodies, raw text otherwise).</summary>
    public sealed record Probe(ApiEndpoint Endpoint, string Where, string Field, JsonNode? Json, string? Raw, bool Semantic)
    {
        public override string ToString() => $"{Endpoint.Name} {Where} {Field} = {Shorten(Json?.ToJsonString() ?? Raw)}";

        private static string Shorten(string? text) => text is null ? "null" : text.Length > 80 ? text[..80] + $"…({text.Length})" : text;
    }

    [Fact]
    public async Task No_bad_input_on_any_endpoint_gets_a_500_a_success_or_an_unnamed_field_and_nothing_is_stored()
    {
        using var client = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var endpoints = ApiEndpoint.All(app.Services).Where(e => ProbesOf(e).Count > 0).ToList();
        Assert.True(endpoints.Count >= 60, $"only {endpoints.Count} endpoints take input");
        var before = await RowCountsAsync();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        await Gen.Int[0, endpoints.Count - 1].SelectMany(i => Gen.OneOf([.. ProbesOf(endpoints[i])])).SampleAsync(async probe =>
        {
            seen.Add(probe.Endpoint.Name);
            using var request = Request(probe);
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{probe}: {status} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(text)!;
            Assert.False(string.IsNullOrEmpty(problem["code"]?.GetValue<string>()), $"{probe}: no code in {text}");
            var limited = probe.Endpoint.Endpoint.Metadata.OfType<EnableRateLimitingAttribute>().Any();
            if (probe.Where == "route")
            {
                Assert.True(status == 404, $"{probe}: {status} {text}");
            }
            else if (status == 400)
            {
                Assert.True(problem["errors"]?[probe.Field] is not null, $"{probe}: the field is not named in {text}");
            }
            else
            {
                // Only a value that is well-formed but wrong may meet the caller's scope first (an unknown id in the path, a refusal).
                Assert.True((probe.Semantic || probe.Endpoint.Template.Contains('{', StringComparison.Ordinal)) && status is 403 or 404
                    || limited && status is 401 or 423 or 429, $"{probe}: {status} {text}");
            }
        }, iter: 1500, threads: 1, print: p => p.ToString());

        Assert.True(seen.Count >= endpoints.Count * 3 / 4, $"only {seen.Count} of {endpoints.Count} endpoints were probed");
        Assert.Equal(before, await RowCountsAsync());
    }

    private static HttpRequestMessage Request(Probe probe)
    {
        var endpoint = probe.Endpoint;
        var path = probe.Where == "route" ? RoutePath(endpoint, probe.Field, probe.Raw!) : endpoint.Path(value: "item:" + Guid.NewGuid());

        if (probe.Where == "query")
        {
            path += $"?{probe.Field}={Uri.EscapeDataString(probe.Raw!)}";
        }

        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path);
        if (probe.Where == "whole")
        {
            request.Content = new StringContent(probe.Raw!, Encoding.UTF8, "application/json");
        }
        else if (probe.Where == "body")
        {
            request.Content = JsonContent.Create(new JsonObject { [probe.Field] = probe.Json?.DeepClone() });
        }
        else if (endpoint.BodyType is not null)
        {
            request.Content = JsonContent.Create(new JsonObject());
        }

        return request;
    }

    private static string RoutePath(ApiEndpoint endpoint, string field, string bad) =>
        "/" + string.Join('/', endpoint.Endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart p when p.Name == field => Uri.EscapeDataString(bad),
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart p when p.ParameterPolicies.Any(c => c.Content == "int") => "1",
            _ => Guid.NewGuid().ToString(),
        }))));

    /// <summary>The ways to send an endpoint bad input, each a generator of probes.</summary>
    private List<Gen<Probe>> ProbesOf(ApiEndpoint endpoint)
    {
        var probes = new List<Gen<Probe>>();
        foreach (var property in endpoint.BodyProperties(app.Services).Where(p => !FreeForm(p.PropertyType)))
        {
            probes.Add(BadJson(property.PropertyType).Select(v => new Probe(endpoint, "body", property.Name, v.Value, null, v.Semantic)));
        }

        if (endpoint.BodyType is not null)
        {
            probes.Add(Gen.OneOf("not json", "[]", "\"text\"", "42", "{\"a\":", "").Select(raw => new Probe(endpoint, "whole", "body", null, raw, false)));
        }

        foreach (var parameter in endpoint.QueryParameters.Where(p => BadRaw(p.ParameterType) is not null))
        {
            probes.Add(BadRaw(parameter.ParameterType)!.Select(raw => new Probe(endpoint, "query", parameter.Name!, null, raw, false)));
        }

        foreach (var parameter in endpoint.Endpoint.RoutePattern.Parameters.Where(p => p.Name is "id" or "membershipId" or "grantId" or "stimulusId"))
        {
            probes.Add(Gen.OneOf("not-an-id", "123", "00000000-0000-0000-0000-00000000000g", " ").Select(raw => new Probe(endpoint, "route", parameter.Name, null, raw, false)));
        }

        return probes;
    }

    private static readonly Gen<string> Controls = Gen.Char['\u0000', '\u001f'].Where(c => c is not '\t' and not '\n' and not '\r')
        .SelectMany(c => Gen.String[Gen.Char['a', 'z'], 0, 20].Select(s => s.Insert(s.Length / 2, c.ToString())));

    /// <summary>A bad JSON value for a declared type; semantic: well-formed, but out of what the field accepts.</summary>
    private static Gen<(JsonNode? Value, bool Semantic)> BadJson(Type declared)
    {
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        Gen<(JsonNode?, bool)> Wrong(params JsonNode?[] values) => Gen.OneOf(values).Select(v => (v, false));
        if (type.IsEnum)
        {
            return Gen.OneOf(
                Gen.Int[-5, 50].Select(n => ((JsonNode?)JsonValue.Create(n), false)),
                Gen.String[Gen.Char['a', 'z'], 1, 12].Select(s => ((JsonNode?)JsonValue.Create("x" + s + "9"), false)),
                Wrong(JsonValue.Create(true), new JsonObject(), new JsonArray(), JsonValue.Create("3")));
        }

        if (type == typeof(string))
        {
            return Gen.OneOf(
                Controls.Select(s => ((JsonNode?)JsonValue.Create(s), false)),
                Gen.Int[20_001, 120_000].Select(n => ((JsonNode?)JsonValue.Create(new string('长', n)), true)),
                Wrong(JsonValue.Create(5), new JsonObject(), new JsonArray(), JsonValue.Create(false)));
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short))
        {
            return Gen.OneOf(
                Gen.Long[long.MinValue, -1].Select(n => ((JsonNode?)JsonValue.Create(n), true)),
                Gen.Long[(long)int.MaxValue + 1, long.MaxValue].Select(n => ((JsonNode?)JsonValue.Create(n), type != typeof(long))),
                Wrong(JsonValue.Create(1.5), JsonValue.Create("abc"), JsonValue.Create(1e30), new JsonObject(), JsonValue.Create(true)));
        }

        if (type == typeof(decimal) || type == typeof(double))
        {
            return Gen.OneOf(
                Gen.Double[-1e12, -0.001].Select(n => ((JsonNode?)JsonValue.Create(n), true)),
                Wrong(JsonValue.Create("abc"), JsonValue.Create(1e300), new JsonObject(), JsonValue.Create(true)));
        }

        if (type == typeof(bool))
        {
            return Wrong(JsonValue.Create("yes"), JsonValue.Create(1), new JsonObject());
        }

        if (WireTypesOf.IsId(type))
        {
            return Wrong(JsonValue.Create("not-an-id"), JsonValue.Create(12345), JsonValue.Create(""), new JsonObject(), JsonValue.Create("00000000-0000-0000-0000-00000000000g"));
        }

        if (type == typeof(DateOnly))
        {
            return Wrong(JsonValue.Create("2026-02-30"), JsonValue.Create("tomorrow"), JsonValue.Create(20260101), JsonValue.Create("2026-01-01T00:00:00Z"));
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return Wrong(JsonValue.Create("2026-13-01T00:00:00Z"), JsonValue.Create("now"), JsonValue.Create(12), JsonValue.Create(""), new JsonObject());
        }

        if (type == typeof(TimeOnly))
        {
            return Wrong(JsonValue.Create("25:61"), JsonValue.Create("noon"), JsonValue.Create(9));
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(Dictionary<,>) || definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>)))
        {
            return Wrong(JsonValue.Create("x"), JsonValue.Create(5), new JsonArray());
        }

        if (type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            return Wrong(JsonValue.Create("x"), JsonValue.Create(5), new JsonObject());
        }

        return Wrong(JsonValue.Create("x"), JsonValue.Create(5), new JsonArray());
    }

    /// <summary>A value of any JSON shape (a form's field values): there is no wrong type to send.</summary>
    private static bool FreeForm(Type type) =>
        type == typeof(object) || typeof(JsonNode).IsAssignableFrom(type) || (Nullable.GetUnderlyingType(type) ?? type) == typeof(System.Text.Json.JsonElement);

    /// <summary>A bad query value for a declared type, or null for a type any text suits.</summary>
    private static Gen<string>? BadRaw(Type declared)
    {
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        return type switch
        {
            _ when type.IsEnum => Gen.OneOf(Gen.Int[-5, 50].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), Gen.OneOf("zzz", "1e3")),
            _ when type == typeof(int) || type == typeof(long) => Gen.OneOf("abc", "1.5", "99999999999999999999", "1e3", "--1"),
            _ when type == typeof(bool) => Gen.OneOf("maybe", "2", "yes"),
            _ when WireTypesOf.IsId(type) => Gen.OneOf("not-an-id", "123", "00000000-0000-0000-0000-00000000000g"),
            _ when type == typeof(DateOnly) => Gen.OneOf("2026-02-30", "tomorrow", "20260101"),
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => Gen.OneOf("2026-13-01T00:00:00Z", "now", "2026-01-01T00:00:00"),
            _ => null,
        };
    }

    private async Task<Dictionary<string, long>> RowCountsAsync()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && !e.IsOwned()))
        {
            var table = entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";
            var sql = "SELECT COUNT(*) AS \"Value\" FROM " + table; // names from the model, not input
            counts.TryAdd(table, (await db.Database.SqlQueryRaw<long>(sql).ToListAsync()).Single());
        }

        return counts;
    }

    private static class WireTypesOf
    {
        public static bool IsId(Type type) => Alliance.Server.Infrastructure.Api.WireTypes.IsId(type);
    }
}
