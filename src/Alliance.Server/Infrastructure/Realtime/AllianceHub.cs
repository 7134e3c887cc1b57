using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Alliance.Server.Infrastructure.Realtime;

/// <summary>
/// The one public hub, for signed-in people only (cookie, or a bearer token as <c>?access_token=</c>). Watch
/// methods (items, alliances, inboxes) are added with their features and check the caller's
/// <see cref="Features.Access.AccessScope"/> (resolve it with <see cref="Features.Access.AccessScopeResolver"/>).
/// </summary>
[Authorize]
public sealed class AllianceHub : Hub<IAllianceClient>
{
    public const string Path = "/hubs/alliance";
}
