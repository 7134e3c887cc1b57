using System.Data.Common;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Alliance.Live.Benchmarks;

/// <summary>A baseline change published on the bus, one per raw request.</summary>
public sealed record RawBaselineChanged(Guid Id, string Title, DateTimeOffset At);

/// <summary>
/// The raw baseline of the items mode (issue 21): a minimal ASP.NET Core host inside the benchmark process, on the same
/// kind of database (a SQLite file in WAL mode, as the server keeps it, or PostgreSQL) and bus (in-memory, or the
/// benchmark's RabbitMQ connection). <c>POST /raw</c> takes a JSON body like a submission's, writes
/// <c>rows</c> rows in one transaction (an id, a kind, the title, the body, a time), commits, publishes one
/// <see cref="RawBaselineChanged"/> and answers the new id. No authentication, no scope check, no workflow, no EF Core:
/// what a user action cannot do with less.
/// </summary>
internal sealed class RawBaseline : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string? _file;

    private RawBaseline(WebApplication app, Uri address, string kind, string? file)
    {
        _app = app;
        Address = address;
        Kind = kind;
        _file = file;
    }

    public Uri Address { get; }

    public string Kind { get; }

    public static async Task<RawBaseline> StartAsync(string? postgres, IBus bus, int rows)
    {
        string? file = null;
        Func<Task<DbConnection>> open;
        string kind;
        if (postgres is null)
        {
            file = Path.Combine(Path.GetTempPath(), $"alliance-raw-baseline-{Environment.ProcessId}.db");
            DeleteFiles(file);
            var connectionString = $"Data Source={file}";
            await using (var setup = new SqliteConnection(connectionString))
            {
                await setup.OpenAsync();
                await Execute(setup, "PRAGMA journal_mode=WAL; CREATE TABLE raw_rows (id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, at TEXT NOT NULL);");
            }

            open = async () =>
            {
                var c = new SqliteConnection(connectionString);
                await c.OpenAsync();
                return c;
            };
            kind = "SQLite (WAL), in-memory bus";
        }
        else
        {
            var source = NpgsqlDataSource.Create(postgres);
            await using (var setup = await source.OpenConnectionAsync())
            {
                await Execute(setup, "DROP TABLE IF EXISTS raw_rows; CREATE TABLE raw_rows (id uuid PRIMARY KEY, kind text NOT NULL, title text NOT NULL, body text NOT NULL, at timestamptz NOT NULL);");
            }

            open = async () => await source.OpenConnectionAsync();
            kind = "PostgreSQL, RabbitMQ";
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/raw", async (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            var title = body.GetProperty("title").GetString() ?? "";
            var text = body.GetRawText();
            var id = Guid.CreateVersion7();
            var at = DateTimeOffset.UtcNow;
            await using (var connection = await open())
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                for (var i = 0; i < rows; i++)
                {
                    await using var insert = connection.CreateCommand();
                    insert.Transaction = transaction;
                    insert.CommandText = "INSERT INTO raw_rows (id, kind, title, body, at) VALUES (@id, @kind, @title, @body, @at)";
                    Add(insert, "@id", i == 0 ? id : Guid.CreateVersion7());
                    Add(insert, "@kind", "row" + i);
                    Add(insert, "@title", title);
                    Add(insert, "@body", text);
                    Add(insert, "@at", at);
                    await insert.ExecuteNonQueryAsync();
                }

                await transaction.CommitAsync();
            }

            await bus.Publish(new RawBaselineChanged(id, title, at));
            return Results.Json(new { id });
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new RawBaseline(app, address, kind, file);
    }

    public async Task PostAsync(HttpClient http, int n)
    {
        using var response = await http.PostAsJsonAsync("/raw", new
        {
            kind = "deliberation", title = $"压测议题 {n}", description = "基准测试提交的议事事项。", category = "养老", scope = "alliance",
        });
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_file is not null)
        {
            DeleteFiles(_file);
        }
    }

    private static void DeleteFiles(string file)
    {
        foreach (var f in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(f);
        }
    }

    private static async Task Execute(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
