using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;

namespace Alliance.Server.Infrastructure.Api;

/// <summary>
/// The JSON rules of the public contract (<c>docs/api.md</c>), in one place for request and response bodies, hub messages
/// and bus messages: a named choice travels as its name only (a number is refused), and every timestamp is ISO 8601 in
/// UTC ending in <c>Z</c>. Request bodies additionally pass through <see cref="CleanTextConverter"/>.
/// </summary>
public static class ApiJson
{
    /// <summary>Adds the contract's converters once (the same options may reach here from several hosts in one process).</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options, bool enums = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Converters.OfType<UtcDateTimeConverter>().Any() || options.IsReadOnly)
        {
            return options;
        }

        if (enums)
        {
            // Ahead of the enums' own [JsonConverter] attributes (options converters win over type attributes), which allow numbers.
            options.Converters.Insert(0, new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
        }

        options.Converters.Add(new UtcDateTimeConverter());
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        return options;
    }

    /// <summary>HTTP bodies and SignalR payloads follow the contract; bad binding throws so that the one exception handler names the field.</summary>
    public static IServiceCollection AddAllianceApiContract(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            Apply(o.SerializerOptions);
            o.SerializerOptions.Converters.Add(new CleanTextConverter());
        });
        services.Configure<JsonHubProtocolOptions>(o => Apply(o.PayloadSerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// The endpoints' rate limits (sign-in: <c>Features/Auth/SignInGuard</c>), then the check of query and route values
    /// before the handler binds them (<see cref="StrictParameters"/>).
    /// </summary>
    public static IApplicationBuilder UseAllianceApiContract(this IApplicationBuilder app) =>
        app.UseRateLimiter().UseMiddleware<StrictParameters>();
}
