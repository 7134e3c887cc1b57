using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Npgsql;

namespace Alliance.Server.Tests.Infrastructure;

/// <summary>
/// An isolated slice of the real servers for one test host (or a group of nodes that share it): its own
/// PostgreSQL database, RabbitMQ virtual host and Redis channel prefix. Dropped again on dispose.
/// </summary>
public sealed class ServerSandbox : IAsyncDisposable
{
    private static readonly HttpClient RabbitApi = CreateRabbitApi();

    private ServerSandbox(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public string PostgresConnection => new NpgsqlConnectionStringBuilder(TestProfile.Postgres) { Database = Name }.ConnectionString;

    public string RabbitMqUri => new UriBuilder(TestProfile.RabbitMq) { Path = "/" + Name }.Uri.ToString();

    public string RedisConfiguration => $"{TestProfile.Redis},channelPrefix={Name}";

    public static async Task<ServerSandbox> CreateAsync()
    {
        var sandbox = new ServerSandbox($"alliance_t_{Guid.NewGuid():N}"[..24]);
        await using (var admin = new NpgsqlConnection(TestProfile.Postgres))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{sandbox.Name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        using (var vhost = await RabbitApi.PutAsync($"api/vhosts/{sandbox.Name}", null))
        {
            vhost.EnsureSuccessStatusCode();
        }

        var user = new Uri(TestProfile.RabbitMq).UserInfo.Split(':')[0];
        using var grant = await RabbitApi.PutAsJsonAsync($"api/permissions/{sandbox.Name}/{user}", new { configure = ".*", write = ".*", read = ".*" });
        grant.EnsureSuccessStatusCode();
        return sandbox;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(TestProfile.Postgres))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        using var _ = await RabbitApi.DeleteAsync($"api/vhosts/{Name}");
    }

    private static HttpClient CreateRabbitApi()
    {
        if (!TestProfile.UsesServers)
        {
            return new HttpClient();
        }

        var amqp = new Uri(TestProfile.RabbitMq);
        var client = new HttpClient { BaseAddress = new Uri(TestProfile.RabbitMqApi) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(amqp.UserInfo))));
        return client;
    }
}
