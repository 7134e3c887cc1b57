using Alliance.Server.Features.Access;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Server.Features.Live;

public static class StreamsApi
{
    public static readonly BilingualText Thing = new("动态流", "stream");

    public static IEndpointRouteBuilder MapStreamsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/streams").WithTags("Live").RequireAuthorization();
        api.MapGet("/{stream}/events", Events).WithName("GetStreamEvents")
            .WithSummary("A stream's events after a sequence number, for catching up after a reconnect / 断线后补取动态")
            .WithDescription("Without them, after = 0 and limit = 1000 (limit 1-1000). The response says the values applied (after, limit).");
        return app;
    }

    /// <summary>Out of scope, an unknown kind or a malformed id is 404, as for anything else the caller cannot see.</summary>
    public static async Task<Ok<StreamPage>> Events(
        string stream, long? after, int? limit, AccessScope scope, StreamAccess access, StreamLog log, CancellationToken cancellationToken)
    {
        if (!StreamId.TryParse(stream, out var id) || !await access.CanReadAsync(scope, id, cancellationToken))
        {
            throw new NotFoundProblem(Thing);
        }

        return TypedResults.Ok(await log.ReadAsync(id, after ?? 0, limit ?? StreamLog.MaxPage, cancellationToken));
    }
}
