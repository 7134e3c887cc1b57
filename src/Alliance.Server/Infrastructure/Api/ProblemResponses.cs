using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace Alliance.Server.Infrastructure.Api;

/// <summary>
/// Describes the error responses of every operation in the OpenAPI document, as problem details (RFC 7807) with the
/// <c>code</c> values each status can carry (<see cref="ProblemCatalogue"/>):
/// <list type="bullet">
/// <item>400 where the operation takes a body, query or path values;</item>
/// <item>401, 403 and 404 where it needs a signed-in caller;</item>
/// <item>409 on every write that needs a signed-in caller;</item>
/// <item>any error status an endpoint declares itself with <c>ProducesProblem</c>;</item>
/// <item>401, 423 and 429 on the sign-in operations (rate-limited).</item>
/// </list>
/// </summary>
public static class ProblemResponses
{
    public static Task Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var description = context.Description;
        if (description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) != true)
        {
            return Task.CompletedTask;
        }

        var metadata = description.ActionDescriptor.EndpointMetadata;
        var signedIn = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        var limited = metadata.OfType<EnableRateLimitingAttribute>().Any();
        var write = description.HttpMethod is "POST" or "PUT" or "PATCH" or "DELETE";
        var statuses = new SortedSet<int>();
        if (description.ParameterDescriptions.Count > 0 || write)
        {
            statuses.Add(StatusCodes.Status400BadRequest);
        }

        if (signedIn)
        {
            statuses.UnionWith([StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound]);
            if (write)
            {
                statuses.Add(StatusCodes.Status409Conflict);
            }
        }

        // what an endpoint declares itself (.ProducesProblem), e.g. a read that answers 409 while its result is being made
        statuses.UnionWith(metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>().Select(m => m.StatusCode).Where(s => s >= 400));
        if (limited)
        {
            statuses.UnionWith([StatusCodes.Status401Unauthorized, StatusCodes.Status423Locked, StatusCodes.Status429TooManyRequests]);
        }

        operation.Responses ??= [];
        foreach (var status in statuses)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            operation.Responses[key] = new OpenApiResponse
            {
                Description = Describe(status),
                Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = Schema(status) } },
            };
        }

        return Task.CompletedTask;
    }

    private static string Describe(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "Bad input: each bad field is named in `errors`, with a message in zh-CN and en.",
        StatusCodes.Status401Unauthorized => "Not signed in, or the sign-in failed.",
        StatusCodes.Status403Forbidden => "Visible, but the caller may not do this (or does not act for the organisation given).",
        StatusCodes.Status404NotFound => "Does not exist, or is outside the caller's scope (the two are not told apart).",
        StatusCodes.Status409Conflict => "Not allowed in the current state; `detail` says why.",
        StatusCodes.Status423Locked => "The account (or user name) is locked after repeated failed sign-ins.",
        StatusCodes.Status429TooManyRequests => "Too many attempts; try again in a minute.",
        _ => "Problem.",
    };

    private static OpenApiSchema Schema(int status)
    {
        var text = new OpenApiSchema { Type = JsonSchemaType.String };
        var bilingual = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema> { ["zh-CN"] = new OpenApiSchema { Type = JsonSchemaType.String }, ["en"] = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 7807 problem details; `title` and `detail` in the language of Accept-Language (zh-CN unless en comes first).",
            Required = new HashSet<string> { "status", "code", "title", "messages" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = text,
                ["title"] = text,
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Enum = [JsonValue.Create(status)] },
                ["detail"] = text,
                ["code"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "A stable, machine-readable reason.",
                    Enum = [.. ProblemCatalogue.Codes[status].Select(c => (JsonNode)JsonValue.Create(c))],
                },
                ["messages"] = bilingual,
                ["traceId"] = text,
            },
        };
        if (status == StatusCodes.Status400BadRequest)
        {
            schema.Properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "One entry per bad field, keyed by its name or JSON path (`kind`, `openingHours[0].day`, `body`).",
                AdditionalProperties = bilingual,
            };
        }

        return schema;
    }
}
