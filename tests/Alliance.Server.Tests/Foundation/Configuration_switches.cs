using System.Diagnostics;
using Alliance.Server.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Alliance.Server.Tests.Foundation;

public sealed class Configuration_switches
{
    [Theory]
    [InlineData("Database", "Oracle", "Alliance:Database = 'Oracle' is not valid; allowed values: Sqlite | Postgres.")]
    [InlineData("Bus", "Kafka", "Alliance:Bus = 'Kafka' is not valid; allowed values: InMemory | RabbitMq.")]
    [InlineData("Jobs", "Redis", "Alliance:Jobs = 'Redis' is not valid; allowed values: InMemory | PostgreSql.")]
    public void A_bad_value_names_the_key_and_the_allowed_values(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new($"Alliance:{key}", value)]).Build();
        var error = Assert.Throws<AllianceConfigurationException>(() => AllianceOptionsReader.Read(configuration));
        Assert.Equal("Configuration error: " + expected, error.Message);
    }

    [Fact]
    public void Switches_are_case_insensitive_and_default_to_the_embedded_set()
    {
        var defaults = AllianceOptionsReader.Read(new ConfigurationBuilder().Build());
        Assert.Equal((DatabaseProvider.Sqlite, BusTransport.InMemory, JobStorage.InMemory), (defaults.Database, defaults.Bus, defaults.Jobs));

        var configuration = new ConfigurationBuilder().AddInMemoryCollection([
            new("Alliance:Database", "postgres"), new("Alliance:Postgres", "Host=127.0.0.1"),
            new("Alliance:Bus", "rabbitmq"), new("Alliance:RabbitMq", "amqp://guest:guest@127.0.0.1:5672/")]).Build();
        var options = AllianceOptionsReader.Read(configuration);
        Assert.Equal((DatabaseProvider.Postgres, BusTransport.RabbitMq), (options.Database, options.Bus));
    }

    [Fact]
    public void A_switch_without_its_connection_is_refused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Alliance:Bus", "RabbitMq")]).Build();
        var error = Assert.Throws<AllianceConfigurationException>(() => AllianceOptionsReader.Read(configuration));
        Assert.StartsWith("Configuration error: Alliance:RabbitMq must be an AMQP URI", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_stops_at_start_up_with_one_line_for_a_bad_environment_value()
    {
        var serverDll = typeof(AllianceOptions).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [serverDll])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
        };
        start.Environment["Alliance__Database"] = "Mongo";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Configuration error: Alliance:Database = 'Mongo' is not valid; allowed values: Sqlite | Postgres."], lines);
        Assert.Empty(await stdout);
    }
}
