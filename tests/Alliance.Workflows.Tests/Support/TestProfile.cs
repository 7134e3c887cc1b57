namespace Alliance.Workflows.Tests.Support;

/// <summary>
/// The test-pass contract in one place. ALLIANCE_TEST_PROFILE is "embedded" (default) or "servers".
/// embedded: store tests run in memory and on SQLite, and also on PostgreSQL when ALLIANCE_TEST_POSTGRES is set.
/// servers: the PostgreSQL store tests are always generated; without ALLIANCE_TEST_POSTGRES they FAIL, they are never skipped.
/// </summary>
internal static class TestProfile
{
    public static string Profile => Environment.GetEnvironmentVariable("ALLIANCE_TEST_PROFILE") is { Length: > 0 } p ? p : "embedded";

    public static bool IsServers => string.Equals(Profile, "servers", StringComparison.OrdinalIgnoreCase);

    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable("ALLIANCE_TEST_POSTGRES") is { Length: > 0 } c ? c : null;

    /// <summary>The stores the durability tests run on: in-memory and SQLite always, PostgreSQL when set or required.</summary>
    public static IEnumerable<StoreKind> StoreKinds
    {
        get
        {
            yield return StoreKind.InMemory;
            yield return StoreKind.Sqlite;
            if (PostgresConnectionString is not null || IsServers)
            {
                yield return StoreKind.Postgres;
            }
        }
    }

    public static string RequirePostgres() => PostgresConnectionString
        ?? throw new InvalidOperationException("ALLIANCE_TEST_PROFILE=servers requires ALLIANCE_TEST_POSTGRES (an Npgsql connection string whose user may CREATE DATABASE)");
}

/// <summary>Where a durability test runs.</summary>
public enum StoreKind
{
    InMemory,
    Sqlite,
    Postgres,
}
