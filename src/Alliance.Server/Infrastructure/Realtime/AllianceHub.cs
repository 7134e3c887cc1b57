using Alliance.Server.Features.Access;
using Alliance.Server.Features.Live;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Alliance.Server.Infrastructure.Realtime;

/// <summary>The answer to <see cref="AllianceHub.Watch"/>: watching from <paramref name="Head"/> on, or refused with a reason.</summary>
public sealed record WatchResult(string Stream, bool Watching, long Head, string? Refusal, BilingualText? Reason)
{
    public static WatchResult Refused(string stream) =>
        new(stream, false, 0, "stream.not-found", new("未找到该动态流，或您无权查看。", "The stream was not found, or is not visible to you."));
}

/// <summary>
/// The one public hub, for signed-in people only (cookie, or a bearer token as <c>?access_token=</c>).
/// A client watches streams (<c>item:{id}</c>, <c>alliance:{id}</c>, <c>inbox:{organisationId}</c>,
/// <c>supervision:{streetId}</c>) and resumes them after a reconnect. Every call is authorised like the REST API,
/// with the caller's <see cref="AccessScope"/> resolved for that call; see docs/live-updates.md.
/// </summary>
[Authorize]
public sealed class AllianceHub(AccessScopeResolver scopes, StreamAccess access, StreamLog log) : Hub<IAllianceClient>
{
    public const string Path = "/hubs/alliance";

    /// <summary>
    /// Starts pushing the stream's events to this connection. Out of scope (or no such stream) is refused with a
    /// reason and nothing is sent. <see cref="WatchResult.Head"/> is the last sequence at the time of watching.
    /// </summary>
    public async Task<WatchResult> Watch(string stream)
    {
        if (!StreamId.TryParse(stream, out var id) || !await MayReadAsync(id))
        {
            return WatchResult.Refused(stream ?? "");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, LiveFeed.GroupOf(id), Context.ConnectionAborted);
        return new WatchResult(id.ToString(), true, await log.HeadAsync(id, Context.ConnectionAborted), null, null);
    }

    /// <summary>Stops pushing the stream to this connection.</summary>
    public async Task Unwatch(string stream)
    {
        if (StreamId.TryParse(stream, out var id))
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, LiveFeed.GroupOf(id), Context.ConnectionAborted);
        }
    }

    /// <summary>
    /// The stream's events after <paramref name="afterSequence"/>, in order (a page of at most
    /// <see cref="StreamLog.MaxPage"/>; call again from the last one while <see cref="StreamPage.HasMore"/>).
    /// Out of scope fails with a <see cref="HubException"/> naming the reason.
    /// </summary>
    public async Task<StreamPage> Resume(string stream, long afterSequence)
    {
        if (afterSequence < 0)
        {
            throw new HubException("validation: afterSequence must be 0 or more. / 序号应为 0 或更大的整数。");
        }

        if (!StreamId.TryParse(stream, out var id) || !await MayReadAsync(id))
        {
            throw new HubException("stream.not-found: The stream was not found, or is not visible to you. / 未找到该动态流，或您无权查看。");
        }

        return await log.ReadAsync(id, afterSequence, StreamLog.MaxPage, Context.ConnectionAborted);
    }

    private async Task<bool> MayReadAsync(StreamId id)
    {
        var scope = await scopes.ResolveAsync(Context.User!, Context.ConnectionAborted);
        return await access.CanReadAsync(scope, id, Context.ConnectionAborted);
    }
}
