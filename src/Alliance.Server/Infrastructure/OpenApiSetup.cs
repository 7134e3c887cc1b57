using Alliance.Server.Features.Alliances;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.OpenApi;

namespace Alliance.Server.Infrastructure;

public static class OpenApiSetup
{
    /// <summary>
    /// The built-in OpenAPI document (<c>/openapi/v1.json</c>). Types with their own JSON converter are described
    /// as what they are on the wire: strongly-typed ids as uuid strings, thresholds as <c>&gt;1/2</c>-style strings.
    /// </summary>
    public static IServiceCollection AddAllianceOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddOperationTransformer(Api.ProblemResponses.Describe).AddSchemaTransformer((schema, context, _) =>
        {
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IStronglyTypedId<>)))
            {
                schema.Type = JsonSchemaType.String;
                schema.Format = "uuid";
            }
            else if (type == typeof(Threshold))
            {
                schema.Type = JsonSchemaType.String;
                schema.Pattern = "^>=?[1-9][0-9]*/[1-9][0-9]*$";
                schema.Description = "An exact share: >1/2 (more than half), >=2/3 (at least two thirds).";
            }

            return Task.CompletedTask;
        }));
}
