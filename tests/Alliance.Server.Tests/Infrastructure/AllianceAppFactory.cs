using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Workflows;
using Alliance.Workflows.Expressions;
using Alliance.Workflows.Runtime;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Alliance.Server.Tests.Infrastructure;

/// <summary>
/// The server under test, on the provider set of the current <see cref="TestProfile"/>: a fresh SQLite file
/// per host in the embedded pass, a fresh <see cref="ServerSandbox"/> in the servers pass. Time is a
/// <see cref="FakeTimeProvider"/> that tests move.
/// </summary>
public class AllianceAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _sqlitePath = Path.Combine(Path.GetTempPath(), $"alliance-test-{Guid.NewGuid():N}.db");

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero));

    public ServerSandbox? Sandbox { get; private set; }

    /// <summary>The SQLite file of this host (embedded pass).</summary>
    public string SqlitePath => _sqlitePath;

    /// <summary>Every API response this host gave (method, route, status, problem code), checked against its OpenAPI document at the end.</summary>
    public ResponseRecorder Responses { get; } = new();

    private readonly ConcurrentDictionary<string, Lazy<Task<(string Token, DateTimeOffset Expires)>>> _tokens = new(StringComparer.Ordinal);

    /// <summary>
    /// A bearer token for a user (a demo user by default), signed in once per host and reused until the test's
    /// clock (<see cref="Time"/>) nears its expiry; then the user signs in again.
    /// </summary>
    public async Task<string> TokenForAsync(string userName, string password = DemoUsers.Password)
    {
        var cached = _tokens.GetOrAdd(userName, _ => new Lazy<Task<(string, DateTimeOffset)>>(() => SignInAsync(userName, password)));
        var (token, expires) = await cached.Value;
        if (Time.GetUtcNow() < expires - TimeSpan.FromMinutes(5))
        {
            return token;
        }

        var fresh = new Lazy<Task<(string, DateTimeOffset)>>(() => SignInAsync(userName, password));
        return (await _tokens.AddOrUpdate(userName, fresh, (_, current) => current == cached ? fresh : current).Value).Token;
    }

    /// <summary>An HTTP client that sends the user's bearer token.</summary>
    public async Task<HttpClient> ClientForAsync(string userName)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenForAsync(userName));
        return client;
    }

    private async Task<(string Token, DateTimeOffset Expires)> SignInAsync(string userName, string password)
    {
        var issued = Time.GetUtcNow();
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();
        return (token!.AccessToken, issued.AddSeconds(token.ExpiresIn));
    }

    /// <summary>
    /// Seals every committed audit entry now, as the host's sealer does right after each commit, so that a test can
    /// read the chain (sequences, hashes) without waiting for the background loop.
    /// </summary>
    public async Task SealAuditTrailAsync()
    {
        var sealer = Services.GetRequiredService<AuditSealer>();
        while (await sealer.SealAsync(CancellationToken.None) > 0)
        {
        }
    }

    private sealed record TokenResponse(string TokenType, string AccessToken, long ExpiresIn, string RefreshToken);

    /// <summary>Replaces the clock with <see cref="Time"/>; a test of real scheduling turns this off.</summary>
    protected virtual bool FakeTime => true;

    /// <summary>Seeds the demo region; on by default because most tests act as its users.</summary>
    protected virtual bool DemoData => true;

    public virtual async Task InitializeAsync()
    {
        if (TestProfile.UsesServers)
        {
            Sandbox = await ServerSandbox.CreateAsync();
        }

        _ = Server; // start the host now, so that a failure to start fails the fixture
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        List<string> undocumented;
        try
        {
            undocumented = await UndocumentedResponsesAsync();
            await DisposeAsync();
        }
        catch (Exception e)
        {
            // xUnit names a fixture's failure by its type alone ("[Test Class Cleanup Failure (…)] System.NullReferenceException",
            // once in CI on 7 December 2026, not reproduced): the whole exception goes to the run's output (the trx's StdOut)
            Console.WriteLine($"Disposing the test host {GetType().Name} failed: {e}");
            throw;
        }

        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }

        foreach (var file in new[] { _sqlitePath, _sqlitePath + "-wal", _sqlitePath + "-shm" })
        {
            File.Delete(file);
        }

        Assert.True(undocumented.Count == 0,
            "The OpenAPI document does not describe responses this host gave:\n" + string.Join("\n", undocumented));
    }

    /// <summary>The responses the tests received that <c>/openapi/v1.json</c> does not describe (issue 20).</summary>
    private async Task<List<string>> UndocumentedResponsesAsync()
    {
        if (Responses.Seen.Count == 0)
        {
            return [];
        }

        try
        {
            using var client = CreateClient();
            var document = await client.GetFromJsonAsync<System.Text.Json.Nodes.JsonNode>("/openapi/v1.json");
            return Responses.Undocumented(document!);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or ObjectDisposedException)
        {
            return []; // the host is gone (a test stopped it); what it answered was checked by the hosts that stayed up
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // As `dotnet run` (Development) builds it: lifetimes checked when the container is built (a singleton that takes a
        // scoped service fails here, as it failed `dotnet run` once), scoped services never resolved from the root.
        builder.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });
        builder.UseSetting("Alliance:DemoData", DemoData ? "true" : "false");
        // Tests sign the same users in again whenever the fake clock passes a token's expiry, many times a real minute;
        // the sign-in limits are tested by hosts that set them (Contract/Sign_in_tells_nobody).
        builder.UseSetting("Alliance:SignInPerAccountPerMinute", "100000");
        builder.UseSetting("Alliance:SignInPerClientPerMinute", "100000");
        // The calendar would create regular meetings (and take waiting items onto them) whenever real time reaches its
        // next run; tests run it themselves (MeetingCalendar.RunAsync) with the fake clock. February 31st never comes.
        builder.UseSetting("Alliance:MeetingCalendarSchedule", "0 0 31 2 *");
        if (Sandbox is not null)
        {
            builder.UseSetting("Alliance:Database", "Postgres");
            builder.UseSetting("Alliance:Postgres", Sandbox.PostgresConnection);
            builder.UseSetting("Alliance:Bus", "RabbitMq");
            builder.UseSetting("Alliance:RabbitMq", Sandbox.RabbitMqUri);
            builder.UseSetting("Alliance:Jobs", "PostgreSql");
            builder.UseSetting("Alliance:Redis", Sandbox.RedisConfiguration);
        }
        else
        {
            builder.UseSetting("Alliance:Database", "Sqlite");
            builder.UseSetting("Alliance:Sqlite", $"Data Source={_sqlitePath}");
            builder.UseSetting("Alliance:Bus", "InMemory");
            builder.UseSetting("Alliance:Jobs", "InMemory");
            builder.UseSetting("Alliance:Redis", "");
        }

        // The 100 ms expression limit is wall-clock time; on a loaded 2-core machine a first Jint run can
        // exceed it, fault the activity and leave the route waiting for a retry that fake time never fires.
        // The production limit itself is tested in Alliance.Workflows.Tests (SandboxTests).
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Responses);
            services.AddSingleton<IStartupFilter, ResponseRecorder.StartupFilter>();
            services.Insert(0, ServiceDescriptor.Singleton<Microsoft.AspNetCore.Http.IProblemDetailsWriter, ResponseRecorder.CodeWriter>());
            services.RemoveAll<WorkflowRuntimeOptions>();
            services.AddSingleton(provider => new WorkflowRuntimeOptions
            {
                Sandbox = new SandboxLimits { Timeout = TimeSpan.FromSeconds(5) },
                OutboxCommitted = provider.GetRequiredService<WorkflowOutboxWakeUp>().Notify,
            });
        });

        if (FakeTime)
        {
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Time);
            });
        }
    }
}
