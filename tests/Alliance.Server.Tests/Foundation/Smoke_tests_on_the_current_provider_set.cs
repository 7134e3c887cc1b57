using System.Collections.Concurrent;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Messaging;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Tests.Infrastructure;
using Hangfire;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;

namespace Alliance.Server.Tests.Foundation;

public sealed class Smoke_tests_on_the_current_provider_set(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Uses_the_provider_set_of_the_test_pass()
    {
        var options = app.Services.GetRequiredService<Alliance.Server.Infrastructure.AllianceOptions>();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        if (TestProfile.UsesServers)
        {
            Assert.Equal("Postgres/RabbitMq/PostgreSql/redis", $"{options.Database}/{options.Bus}/{options.Jobs}/{(options.Redis is null ? "none" : "redis")}");
            Assert.True(db.Database.IsNpgsql());
        }
        else
        {
            Assert.Equal("Sqlite/InMemory/InMemory/none", $"{options.Database}/{options.Bus}/{options.Jobs}/{(options.Redis is null ? "none" : "redis")}");
            Assert.True(db.Database.IsSqlite());
        }
    }

    [Fact]
    public async Task Migrations_apply_and_a_row_round_trips()
    {
        var message = new ProcessedMessage { Consumer = "smoke", MessageId = Guid.NewGuid(), ProcessedAtUtc = new DateTime(2026, 3, 2, 8, 30, 0, DateTimeKind.Utc) };
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            db.ProcessedMessages.Add(message);
            await db.SaveChangesAsync();
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var read = await db.ProcessedMessages.SingleAsync(m => m.MessageId == message.MessageId);
            Assert.Equal(message.ProcessedAtUtc, read.ProcessedAtUtc);
        }
    }

    [Fact]
    public async Task The_ready_check_covers_the_database_and_the_bus()
    {
        using var client = app.CreateClient();
        var report = await client.GetFromJsonAsync<ReadyReport>("/health/ready");
        Assert.Equal("Healthy", report!.Status);
        Assert.Contains(report.Checks, c => c.Name == "database" && c.Status == "Healthy");
        Assert.Contains(report.Checks, c => c.Name == "masstransit-bus" && c.Status == "Healthy");
    }

    [Fact]
    public async Task A_hub_client_receives_a_message_sent_to_it()
    {
        await using var connection = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.CommunityStaff));
        var received = new TaskCompletionSource<SystemNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<SystemNotice>(nameof(IAllianceClient.SystemNotice), n => received.TrySetResult(n));

        var hub = app.Services.GetRequiredService<IHubContext<AllianceHub, IAllianceClient>>();
        var sent = new SystemNotice(Guid.NewGuid(), "测试", "test", DateTimeOffset.UtcNow);
        await hub.Clients.Client(connection.ConnectionId!).SystemNotice(sent);

        Assert.Equal(sent.Id, (await received.Task.WaitAsync(Patience)).Id);
    }

    [Fact]
    public async Task A_message_published_on_the_bus_is_consumed_and_reaches_the_hub()
    {
        await using var connection = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.UnitContact));
        var received = new TaskCompletionSource<SystemNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<SystemNotice>(nameof(IAllianceClient.SystemNotice), n =>
        {
            if (n.TextEn == "bus smoke")
            {
                received.TrySetResult(n);
            }
        });

        using var client = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var response = await client.PostAsJsonAsync("/api/system/notices", new { textZh = "总线冒烟测试", textEn = "bus smoke" });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);

        var notice = await received.Task.WaitAsync(Patience);
        Assert.Equal("总线冒烟测试", notice.TextZh);
    }

    [Fact]
    public async Task A_scheduled_job_runs()
    {
        var token = Guid.NewGuid();
        var jobs = app.Services.GetRequiredService<IBackgroundJobClient>();
        jobs.Schedule<ProbeJob>(j => j.Run(token), TimeSpan.FromSeconds(1));

        var ran = ProbeJob.Wait(token);
        Assert.Equal(token, await ran.WaitAsync(Patience));
    }

    private sealed record ReadyReport(string Status, List<ReadyCheck> Checks);

    private sealed record ReadyCheck(string Name, string Status);
}

/// <summary>A Hangfire job that reports that it ran.</summary>
public sealed class ProbeJob
{
    private static readonly ConcurrentDictionary<Guid, TaskCompletionSource<Guid>> Runs = new();

    public static Task<Guid> Wait(Guid token) => Signal(token).Task;

    public void Run(Guid token) => Signal(token).TrySetResult(token);

    private static TaskCompletionSource<Guid> Signal(Guid token) =>
        Runs.GetOrAdd(token, _ => new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously));
}
