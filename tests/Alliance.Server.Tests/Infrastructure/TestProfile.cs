namespace Alliance.Server.Tests.Infrastructure;

/// <summary>
/// Which provider set this test pass exercises. <c>ALLIANCE_TEST_PROFILE=embedded</c> (the default) runs on
/// SQLite, the in-memory bus and in-memory Hangfire; <c>servers</c> runs on the real PostgreSQL, RabbitMQ
/// and Redis that <c>test.sh</c> starts on 127.0.0.1. In the servers pass a missing server address is a
/// failure, never a silent fallback.
/// </summary>
public static class TestProfile
{
    public static bool UsesServers { get; } =
        string.Equals(Environment.GetEnvironmentVariable("ALLIANCE_TEST_PROFILE"), "servers", StringComparison.OrdinalIgnoreCase);

    public static string Name => UsesServers ? "servers" : "embedded";

    public static string Postgres => Required("ALLIANCE_TEST_POSTGRES");

    public static string RabbitMq => Required("ALLIANCE_TEST_RABBITMQ");

    public static string RabbitMqApi => Required("ALLIANCE_TEST_RABBITMQ_API");

    public static string Redis => Required("ALLIANCE_TEST_REDIS");

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set, but this test needs a real server ({Name} pass). Run ./test.sh, which starts PostgreSQL, RabbitMQ and Redis on 127.0.0.1.");
}
