namespace Alliance.Server.Infrastructure.Problems;

/// <summary>
/// 503: a dependency (the database or the message broker) is briefly unavailable. Whatever a transaction had begun
/// is rolled back; but when the connection broke around a commit, the change may have been made (the fault suite saw
/// this once in some runs: a submission answered 503 whose item existed). So the client sends the same request again
/// after <see cref="RetryAfter"/> (also the <c>Retry-After</c> header) with the same <c>Idempotency-Key</c>, which
/// answers with the item if it exists. <see cref="AllianceProblemException.Code"/> names the dependency:
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
        "数据库暂时不可用，请稍后以相同的幂等键（Idempotency-Key）重试。",
        "The database is briefly unavailable. Try again shortly, with the same Idempotency-Key."), TimeSpan.FromSeconds(5));

    public static ServiceUnavailableProblem Bus() => new(BusCode, new(
        "消息服务暂时不可用，请稍后以相同的幂等键（Idempotency-Key）重试。",
        "The message broker is briefly unavailable. Try again shortly, with the same Idempotency-Key."), TimeSpan.FromSeconds(5));
}
