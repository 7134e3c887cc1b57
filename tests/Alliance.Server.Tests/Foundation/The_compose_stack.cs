using Alliance.Server.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Alliance.Server.Tests.Foundation;

/// <summary>There is no Docker engine here, so the compose file is checked against what the server reads.</summary>
public sealed class The_compose_stack
{
    private static readonly YamlMappingNode Services = LoadServices();

    [Fact]
    public void Sets_only_configuration_keys_the_server_reads()
    {
        var keys = AllianceEnvironment().Select(e => e.Key).ToList();
        Assert.NotEmpty(keys);
        var known = AllianceOptionsReader.KnownKeys.Select(k => k.Replace(":", "__", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(keys, key => Assert.True(known.Contains(key), $"{key} is set in docker-compose.yml but the server reads no such key"));
    }

    [Fact]
    public void Runs_two_replicas_on_the_production_providers_without_demo_data()
    {
        var env = AllianceEnvironment().DistinctBy(e => e.Key).ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal("Postgres", env["Alliance__Database"]);
        Assert.Equal("RabbitMq", env["Alliance__Bus"]);
        Assert.Equal("PostgreSql", env["Alliance__Jobs"]);
        Assert.False(string.IsNullOrWhiteSpace(env["Alliance__Redis"]));
        Assert.Equal("false", env["Alliance__DemoData"]);
        Assert.Equal(2, Services.Children.Keys.Count(k => k.ToString().StartsWith("alliance-", StringComparison.Ordinal)));
    }

    [Fact]
    public void Gives_every_service_a_health_check()
    {
        foreach (var (name, node) in Services.Children)
        {
            var service = (YamlMappingNode)node;
            var hasOwn = service.Children.ContainsKey("healthcheck");
            var inherits = service.Children.TryGetValue("<<", out var anchor) && ((YamlMappingNode)anchor).Children.ContainsKey("healthcheck");
            Assert.True(hasOwn || inherits, $"service {name} has no health check");
        }
    }

    [Fact]
    public void Nginx_upgrades_websockets_for_the_hubs()
    {
        var conf = File.ReadAllText(Path.Combine(RepositoryRoot(), "infra", "nginx", "nginx.conf"));
        var hubs = conf[conf.IndexOf("location /hubs/", StringComparison.Ordinal)..];
        hubs = hubs[..hubs.IndexOf('}', StringComparison.Ordinal)];
        Assert.Contains("proxy_set_header Upgrade $http_upgrade", hubs, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header Connection $connection_upgrade", hubs, StringComparison.Ordinal);
        Assert.Contains("proxy_http_version 1.1", hubs, StringComparison.Ordinal);
    }

    private static IEnumerable<KeyValuePair<string, string>> AllianceEnvironment()
    {
        foreach (var (name, node) in Services.Children)
        {
            var service = (YamlMappingNode)node;
            var own = service.Children.TryGetValue("environment", out var e) ? (YamlMappingNode)e : null;
            var inherited = service.Children.TryGetValue("<<", out var anchor) && ((YamlMappingNode)anchor).Children.TryGetValue("environment", out var ie)
                ? (YamlMappingNode)ie
                : null;
            foreach (var env in new[] { inherited, own }.OfType<YamlMappingNode>())
            {
                foreach (var (key, value) in env.Children)
                {
                    if (key.ToString().StartsWith("Alliance__", StringComparison.Ordinal))
                    {
                        yield return new(key.ToString(), value.ToString());
                    }
                }
            }
        }
    }

    private static YamlMappingNode LoadServices()
    {
        var yaml = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(Path.Combine(RepositoryRoot(), "docker-compose.yml")));
        yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children["services"];
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Alliance.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Alliance.sln not found above " + AppContext.BaseDirectory);
    }
}
