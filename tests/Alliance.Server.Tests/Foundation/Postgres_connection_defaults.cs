using Alliance.Server.Infrastructure.Persistence;
using Npgsql;

namespace Alliance.Server.Tests.Foundation;

public sealed class Postgres_connection_defaults
{
    [Fact]
    public void The_store_prepares_statements_it_runs_twice_unless_the_connection_string_says_otherwise()
    {
        var defaulted = new NpgsqlConnectionStringBuilder(PersistenceSetup.WithAutoPrepare("Host=db;Username=alliance;Password=secret;Maximum Pool Size=30"));

        Assert.Equal((50, 2, 30, "secret"), (defaulted.MaxAutoPrepare, defaulted.AutoPrepareMinUsages, defaulted.MaxPoolSize, defaulted.Password));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;MaxAutoPrepare=7", 7)]
    public void An_explicit_setting_is_kept(string connectionString, int expected)
    {
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(PersistenceSetup.WithAutoPrepare(connectionString)).MaxAutoPrepare);
    }
}
