namespace Alliance.Server.Infrastructure.Problems;

/// <summary>
/// 503: a dependency (the database or the message broker) is briefly unavailable. Nothing was done, or what was
/// begun was rolled back; the client may send the same request again after <see cref="RetryAfter"/> (also sent as
/// the <c>Retry-After</c> header). <see cref="AllianceProblemException.Code"/> names the dependency:
/// <c>database.unavailable</c> or <c>bus.unavailable</c>.
/// </summary>
public sealed class ServiceUnavailableProblem(string code, BilingualText detail, TimeSpan retryAfter)
    : AllianceProblemException(StatusCodes.Status503ServiceUnavailable, code, new("服务暂时不可用", "Service temporarily unavailable"), detail)
{
    public const string DatabaseCode = "database.unavailable";

    public const string BusCode = "bus.unavailable";

    /// <summary>How long a client should wait before trying again.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;

    public static ServiceUnavailableProblem Database() => new(DatabaseCode, new(
        "数据库暂时不可用，本次请求未生效，请稍后重试。",
        "The database is briefly unavailable; the request did not take effect. Try again shortly."), TimeSpan.FromSeconds(5));

    public static ServiceUnavailableProblem Bus() => new(BusCode, new(
        "消息服务暂时不可用，本次请求未生效，请稍后重试。",
        "The message broker is briefly unavailable; the request did not take effect. Try again shortly."), TimeSpan.FromSeconds(5));
}
