using Microsoft.AspNetCore.SignalR;

namespace Alliance.Server.Infrastructure.Realtime;

/// <summary>The one public hub. Watch methods (items, alliances, inboxes) are added with their features.</summary>
public sealed class AllianceHub : Hub<IAllianceClient>
{
    public const string Path = "/hubs/alliance";
}
