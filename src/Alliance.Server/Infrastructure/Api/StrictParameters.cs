using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.Metadata;

namespace Alliance.Server.Infrastructure.Api;

/// <summary>
/// Checks every query and route value of the matched endpoint before the handler binds it, for every endpoint at once
/// (minimal APIs bind a named choice with <see cref="Enum.TryParse(Type, string?, bool, out object?)"/>, which takes
/// <c>3</c> as well as <c>urgent</c>, and say nothing about which value was bad):
/// <list type="bullet">
/// <item>a named choice must be one of its names (never a number);</item>
/// <item>numbers, ids, dates, times and flags must parse, times with their offset;</item>
/// <item>the paging values <see cref="Paging"/> names must be in range.</item>
/// </list>
/// A bad query value is a 400 field error naming the parameter. A bad value in the path is 404: the address names
/// nothing (as an unmatched <c>{id:guid}</c> route is). The check runs after authorisation, so a caller who is not
/// signed in still gets 401 first.
/// </summary>
public sealed class StrictParameters(RequestDelegate next)
{
    private static readonly ConcurrentDictionary<Endpoint, Rule[]> Rules = new();

    public Task InvokeAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.GetEndpoint() is RouteEndpoint endpoint && endpoint.Metadata.GetMetadata<MethodInfo>() is { } method)
        {
            var rules = Rules.GetOrAdd(endpoint, e => RulesFor((RouteEndpoint)e, method));
            if (rules.Length > 0)
            {
                Check(http, rules);
            }
        }

        return next(http);
    }

    private static void Check(HttpContext http, Rule[] rules)
    {
        var errors = new FieldErrors();
        foreach (var rule in rules)
        {
            var raw = rule.FromRoute ? http.Request.RouteValues[rule.Name] as string : (string?)http.Request.Query[rule.Name];
            if (string.IsNullOrEmpty(raw))
            {
                continue;
            }

            if (Problem(rule.Type, rule.Name, raw) is not { } problem)
            {
                if (rule.Type.IsEnum)
                {
                    Canonical(http, rule, raw);
                }

                continue;
            }

            if (rule.FromRoute)
            {
                throw new NotFoundProblem(new BilingualText("地址所指的对象", "thing this address names"));
            }

            errors.Add(rule.Name, problem.Zh, problem.En);
        }

        errors.ThrowIfAny();
    }

    /// <summary>
    /// The framework binds a named choice by its C# name, case-sensitively; the wire name (<c>jointTask</c>, as bodies and
    /// the docs spell it) is handed on as that name.
    /// </summary>
    private static void Canonical(HttpContext http, Rule rule, string raw)
    {
        var names = WireTypes.EnumNames(rule.Type);
        var members = Enum.GetNames(rule.Type);
        var index = names.ToList().FindIndex(n => string.Equals(n, raw, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            index = Array.FindIndex(members, n => string.Equals(n, raw, StringComparison.OrdinalIgnoreCase));
        }

        if (members[index] == raw)
        {
            return;
        }

        if (rule.FromRoute)
        {
            http.Request.RouteValues[rule.Name] = members[index];
        }
        else
        {
            var query = http.Request.Query.ToDictionary(q => q.Key, q => q.Value, StringComparer.OrdinalIgnoreCase);
            query[rule.Name] = members[index];
            http.Request.Query = new QueryCollection(query);
        }
    }

    /// <summary>What is wrong with a raw value for a parameter, or null when it is good.</summary>
    public static BilingualText? Problem(Type type, string name, string raw)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(raw);
        var good = type switch
        {
            _ when type.IsEnum => WireTypes.EnumNames(type).Concat(Enum.GetNames(type)).Contains(raw, StringComparer.OrdinalIgnoreCase),
            _ when WireTypes.IsId(type) => Guid.TryParse(raw, out _),
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) =>
                long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && InRange(type, number)
                    && Paging.Problem(name, number) is null,
            _ when type == typeof(bool) => bool.TryParse(raw, out _),
            _ when type == typeof(DateOnly) => DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => HasOffset(raw)
                && DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out _),
            _ => true,
        };
        if (good)
        {
            return null;
        }

        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && Paging.Problem(name, n) is { } paging)
        {
            return paging;
        }

        return WireTypes.Expected(type);
    }

    private static bool InRange(Type type, long value) =>
        type == typeof(long) || (type == typeof(int) ? value is >= int.MinValue and <= int.MaxValue : value is >= short.MinValue and <= short.MaxValue);

    /// <summary>A time in a query must say its offset (<c>Z</c> or <c>+08:00</c>); a zone-less time would be read in the server's zone.</summary>
    private static bool HasOffset(string raw)
    {
        var t = raw.IndexOf('T', StringComparison.OrdinalIgnoreCase);
        if (t < 0)
        {
            return false;
        }

        var time = raw[t..];
        return time.EndsWith('Z') || time.EndsWith('z') || time.Contains('+', StringComparison.Ordinal) || time.Contains('-', StringComparison.Ordinal);
    }

    private static Rule[] RulesFor(RouteEndpoint endpoint, MethodInfo method)
    {
        var rules = new List<Rule>();
        foreach (var parameter in method.GetParameters())
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            if (!IsChecked(type) || parameter.Name is null)
            {
                continue;
            }

            var attributes = parameter.GetCustomAttributes().ToList();
            if (attributes.OfType<IFromBodyMetadata>().Any() || attributes.OfType<IFromHeaderMetadata>().Any()
                || attributes.OfType<IFromServiceMetadata>().Any() || attributes.OfType<IFromFormMetadata>().Any())
            {
                continue;
            }

            var route = attributes.OfType<IFromRouteMetadata>().FirstOrDefault();
            var query = attributes.OfType<IFromQueryMetadata>().FirstOrDefault();
            var fromRoute = route is not null || (query is null && endpoint.RoutePattern.GetParameter(parameter.Name) is not null);
            var name = route?.Name ?? query?.Name ?? parameter.Name;
            rules.Add(new Rule(name, type, fromRoute));
        }

        return [.. rules];
    }

    private static bool IsChecked(Type type) =>
        type.IsEnum || WireTypes.IsId(type) || type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(bool)
        || type == typeof(DateOnly) || type == typeof(DateTimeOffset) || type == typeof(DateTime);

    private sealed record Rule(string Name, Type Type, bool FromRoute);
}
