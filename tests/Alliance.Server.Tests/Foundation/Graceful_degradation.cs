using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Alliance.Server.Infrastructure;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Server.Infrastructure.Reliability;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace Alliance.Server.Tests.Foundation;

/// <summary>
/// A dependency that is briefly down is an outage, not a defect: 503 with <c>Retry-After</c> and a code a client can
/// act on, a readiness answer that does not wait for the dependency, and gauges of what waits in the outboxes.
/// </summary>
public sealed class Graceful_degradation(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    public static TheoryData<string, string> Faults => new()
    {
        { "npgsql-socket", ServiceUnavailableProblem.DatabaseCode },
        { "ef-retry-limit", ServiceUnavailableProblem.DatabaseCode },
        { "postgres-shutting-down", ServiceUnavailableProblem.DatabaseCode },
        { "sqlite-busy", ServiceUnavailableProblem.DatabaseCode },
        { "db-update-over-refused-connection", ServiceUnavailableProblem.DatabaseCode },
        { "broker-unreachable", ServiceUnavailableProblem.BusCode },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void A_transient_dependency_fault_is_classified_as_unavailable(string fault, string code)
    {
        var problem = Classify(Fault(fault));
        Assert.NotNull(problem);
        Assert.Equal(code, problem.Code);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, problem.Status);
    }

    [Fact]
    public void A_defect_or_a_scripts_time_limit_is_not_an_outage()
    {
        Assert.Null(Classify(new InvalidOperationException("a bug")));
        Assert.Null(Classify(new TimeoutException("the expression ran too long")));
        Assert.Null(Classify(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")));
        Assert.Null(Classify(new SqliteException("constraint", 19)));
    }

    [Fact]
    public async Task A_transient_database_fault_answers_503_with_retry_after_and_a_code_in_both_languages()
    {
        var http = new DefaultHttpContext { RequestServices = app.Services };
        http.Request.Method = "POST";
        http.Request.Path = "/api/items";
        http.Response.Body = new MemoryStream();
        var handler = app.Services.GetServices<IExceptionHandler>().OfType<ProblemExceptionHandler>().Single();

        var handled = await handler.TryHandleAsync(http, Fault("ef-retry-limit"), CancellationToken.None);

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("5", http.Response.Headers.RetryAfter.ToString());
        http.Response.Body.Position = 0;
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Response.Body);
        Assert.Equal("database.unavailable", body.GetProperty("code").GetString());
        Assert.Equal("服务暂时不可用", body.GetProperty("title").GetString());
        Assert.Contains("same Idempotency-Key", body.GetProperty("messages").GetProperty("en").GetString(), StringComparison.Ordinal);
        Assert.Contains("幂等键", body.GetProperty("messages").GetProperty("zh-CN").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_says_503_when_a_check_never_answers_and_liveness_stays_200()
    {
        await using var host = await HostWithReadinessCheck(services => services.AddHealthChecks()
            .AddCheck("database", new NeverAnswers(), tags: ["ready"]));
        using var client = host.GetTestClient();

        using var ready = await client.GetAsync("/health/ready");
        using var live = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("no answer within", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Readiness_answers_within_the_limit_when_a_check_blocks_before_its_first_await()
    {
        await using var host = await HostWithReadinessCheck(services => services.AddHealthChecks()
            .AddCheck("database", new BlocksBeforeItsFirstAwait(), tags: ["ready"]));
        var checks = host.Services.GetRequiredService<HealthCheckService>();

        var report = await checks.CheckHealthAsync(r => r.Tags.Contains("ready"));

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.True(report.Entries["database"].Duration < TimeSpan.FromSeconds(2), // the check itself blocks for 3 s
            $"the check took {report.Entries["database"].Duration.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Readiness_says_503_while_a_dependency_is_degraded()
    {
        await using var host = await HostWithReadinessCheck(services => services.AddHealthChecks()
            .AddCheck("masstransit-bus", () => HealthCheckResult.Degraded("Degraded Endpoints: item-stream-feed"), tags: ["ready"]));
        using var client = host.GetTestClient();

        using var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task Readiness_with_an_unreachable_postgres_answers_503_within_the_check_limit_despite_ef_retries()
    {
        // Port 1 on loopback refuses at once; EF's retry strategy would back off for seconds before giving up.
        await using var host = await HostWithReadinessCheck(services =>
        {
            services.AddDbContext<ProbeContext>(db => db.UseNpgsql("Host=127.0.0.1;Port=1;Username=x;Password=x;Timeout=15", n => n.EnableRetryOnFailure(3)));
            services.AddHealthChecks().AddDbContextCheck<ProbeContext>("database", tags: ["ready"]);
        });
        var checks = host.Services.GetRequiredService<HealthCheckService>();

        var report = await checks.CheckHealthAsync(r => r.Tags.Contains("ready"));

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.True(report.Entries["database"].Duration <= BoundedHealthChecks.Limit + TimeSpan.FromMilliseconds(400), // the service's backstop is 250 ms behind; EF's retries would take seconds
            $"the check took {report.Entries["database"].Duration.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public void Every_registered_check_of_the_host_is_bounded_below_one_second()
    {
        var options = app.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value;
        Assert.Contains(options.Registrations, r => r.Name == "database");
        Assert.All(options.Registrations, r => Assert.True(r.Timeout < TimeSpan.FromSeconds(1), $"{r.Name}: {r.Timeout}"));
    }

    [Fact]
    public async Task The_outbox_gauges_report_each_outbox_backlog_and_oldest_age_on_the_alliance_meter()
    {
        var backlog = app.Services.GetRequiredService<OutboxBacklog>();
        var sampled = await backlog.SampleAsync(CancellationToken.None);
        Assert.Equal(["host", "workflow"], sampled.Keys.Order());

        var seen = new Dictionary<(string, string), double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TelemetrySetup.ServiceName && instrument.Name.StartsWith("alliance.outbox.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) => seen[(i.Name, Outbox(tags))] = value);
        listener.SetMeasurementEventCallback<double>((i, value, tags, _) => seen[(i.Name, Outbox(tags))] = value);
        listener.Start();
        listener.RecordObservableInstruments();

        foreach (var (outbox, sample) in sampled)
        {
            Assert.Equal(sample.Undispatched, seen[("alliance.outbox.backlog", outbox)]);
            Assert.True(seen[("alliance.outbox.oldest.age", outbox)] >= 0);
        }
    }

    private static ServiceUnavailableProblem? Classify(Exception exception) => TransientFaults.Classify(exception);

    private static string Outbox(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "outbox")
            {
                return (string)tag.Value!;
            }
        }

        return "";
    }

    private static Exception Fault(string name) => name switch
    {
        "npgsql-socket" => new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)),
        "ef-retry-limit" => new RetryLimitExceededException("The maximum number of retries (3) was exceeded",
            new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))),
        "postgres-shutting-down" => new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"),
        "sqlite-busy" => new DbUpdateException("save failed", new SqliteException("database is locked", 5)),
        "db-update-over-refused-connection" => new DbUpdateException("save failed", new SocketException((int)SocketError.ConnectionRefused)),
        "broker-unreachable" => new BrokerUnreachableException(new SocketException((int)SocketError.ConnectionRefused)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static async Task<WebApplication> HostWithReadinessCheck(Action<IServiceCollection> checks)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<IPostConfigureOptions<HealthCheckServiceOptions>, BoundedHealthChecks>();
        checks(builder.Services);
        var host = builder.Build();
        host.MapAllianceHealth();
        await host.StartAsync();
        return host;
    }

    private sealed class NeverAnswers : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            new TaskCompletionSource<HealthCheckResult>().Task; // ignores cancellation, as a check stuck in a connect would
    }

    /// <summary>Like a first DbContext check, which builds EF Core's model synchronously before it awaits anything.</summary>
    private sealed class BlocksBeforeItsFirstAwait : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            Thread.Sleep(TimeSpan.FromSeconds(3));
            return Task.FromResult(HealthCheckResult.Healthy());
        }
    }

    private sealed class ProbeContext(DbContextOptions<ProbeContext> options) : DbContext(options);
}
