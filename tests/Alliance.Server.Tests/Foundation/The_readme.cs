using Alliance.Server.Infrastructure;

namespace Alliance.Server.Tests.Foundation;

public sealed class The_readme
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(The_compose_stack.RepositoryRoot(), "README.md"));

    [Fact]
    public void Documents_every_configuration_key_the_server_reads()
    {
        Assert.All(AllianceOptionsReader.KnownKeys, key => Assert.Contains($"`{key}`", Readme, StringComparison.Ordinal));
    }

    [Fact]
    public void Gives_the_test_command_that_ci_runs()
    {
        var ci = File.ReadAllLines(Path.Combine(The_compose_stack.RepositoryRoot(), ".ci", "run"));
        var command = ci.Last(l => !string.IsNullOrWhiteSpace(l) && !l.StartsWith('#') && !l.StartsWith("set ", StringComparison.Ordinal));
        Assert.Equal("./test.sh", command.Trim());
        Assert.Contains("./test.sh", Readme, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project src/Alliance.Server", Readme, StringComparison.Ordinal);
    }
}
