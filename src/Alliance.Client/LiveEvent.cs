using System.Text.Json;

namespace Alliance.Client;

/// <summary>
/// One event of a live stream as the client helper hands it over: the stream (<c>kind:guid</c>), its sequence
/// number in that stream, the client method that carried it (<c>ItemChanged</c>, <c>TaskAssigned</c>, ...), when it
/// happened, and the event itself as sent by the server (camelCase JSON, including <c>stream</c> and <c>sequence</c>).
/// </summary>
public sealed record LiveEvent(string Stream, long Sequence, string Kind, DateTimeOffset At, JsonElement Data)
{
    /// <summary>The event as a typed record of the caller's choosing.</summary>
    public T As<T>() => Data.Deserialize<T>(LiveClient.Json)!;
}

/// <summary>The server's answer to a watch: watching from <see cref="Head"/> on, or refused (<see cref="Refusal"/> is a stable code).</summary>
public sealed record WatchResult(string Stream, bool Watching, long Head, string? Refusal, RefusalReason? Reason);

/// <summary>Why a watch was refused, in both languages.</summary>
public sealed record RefusalReason(string Zh, string En);
