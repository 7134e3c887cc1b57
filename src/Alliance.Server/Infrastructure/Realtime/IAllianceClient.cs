namespace Alliance.Server.Infrastructure.Realtime;

/// <summary>The methods the server calls on connected clients of <c>/hubs/alliance</c>.</summary>
public interface IAllianceClient
{
    Task SystemNotice(SystemNotice notice);
}

public sealed record SystemNotice(Guid Id, string TextZh, string TextEn, DateTimeOffset At);
