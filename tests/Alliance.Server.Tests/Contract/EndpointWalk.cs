using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alliance.Server.Tests.Contract;

/// <summary>
/// Every API endpoint of the running host, read from its <see cref="EndpointDataSource"/>: a new endpoint is walked by
/// the contract tests without anyone listing it.
/// </summary>
public sealed record ApiEndpoint(string Method, string Template, RouteEndpoint Endpoint)
{
    public MethodInfo? Handler => Endpoint.Metadata.GetMetadata<MethodInfo>();

    public Type? BodyType => Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    public string Name => $"{Method} {Template}";

    /// <summary>The parameters bound from the query: simple values that are not in the route.</summary>
    public IEnumerable<ParameterInfo> QueryParameters =>
        Handler?.GetParameters().Where(p => IsSimple(p.ParameterType) && Endpoint.RoutePattern.GetParameter(p.Name!) is null) ?? [];

    /// <summary>The address with every route value filled: an unknown id for ids, 1 for numbers, <paramref name="value"/> for the rest.</summary>
    public string Path(Guid? id = null, string value = "x") =>
        "/" + string.Join('/', Endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart p when p.ParameterPolicies.Any(c => c.Content == "int") => "1",
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart p when p.Name == "stream" => value,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => (id ?? Guid.NewGuid()).ToString(),
            _ => "",
        }))));

    public static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(Guid) || type == typeof(DateOnly)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static,
                [typeof(string), type.MakeByRefType()]) is not null;
    }

    public static IReadOnlyList<ApiEndpoint> All(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => new ApiEndpoint(m, e.RoutePattern.RawText!, e)))
            .OrderBy(e => e.Template, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)];

    /// <summary>The JSON properties of the body type, as the host's serializer sees them (names and types).</summary>
    public IReadOnlyList<JsonPropertyInfo> BodyProperties(IServiceProvider services)
    {
        if (BodyType is null)
        {
            return [];
        }

        var options = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var info = options.GetTypeInfo(BodyType);
        return info.Kind == JsonTypeInfoKind.Object ? [.. info.Properties] : [];
    }
}
