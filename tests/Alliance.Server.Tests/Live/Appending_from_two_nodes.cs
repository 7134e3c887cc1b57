using Alliance.Server.Features.Live;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Alliance.Server.Tests.Live;

/// <summary>
/// The live feed's appends from two nodes on one PostgreSQL database (issue 21: a 40P01 deadlock on the
/// <c>stream_heads</c> upsert was logged under two nodes). Each append locks the head row of every stream it writes until
/// it commits, so two appends that lock shared streams in different orders deadlock. The server's contexts retry a
/// deadlock as a transient error, so it would pass unseen; the two stream logs here run on contexts without retries, so
/// a deadlock fails the test, and PostgreSQL's own deadlock count for the database must not move either.
/// </summary>
public sealed class Appending_from_two_nodes(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const int Rounds = 60;

    [ServersFact]
    public async Task Never_deadlocks_whatever_order_the_streams_come_in()
    {
        string connection;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            connection = scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Database.GetConnectionString()!;
        }

        var options = new DbContextOptionsBuilder<PostgresAllianceDbContext>().UseNpgsql(connection).Options;
        var json = app.Services.GetRequiredService<IOptions<JsonOptions>>();
        var nodes = new[] { new StreamLog(new WithoutRetries(options), TimeProvider.System, json), new StreamLog(new WithoutRetries(options), TimeProvider.System, json) };
        var streams = Enumerable.Range(0, 6).Select(_ => StreamId.For(StreamId.Alliance, Guid.NewGuid())).ToList();
        var deadlocks = await DeadlocksAsync(connection);

        // four writers, two per node: single appends (one bus event, its streams in the order its feed gave them) and group
        // appends, the streams of each in an order of its own
        await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            for (var round = 0; round < Rounds; round++)
            {
                (StreamId, LiveEvent)[] Entries() =>
                    [.. streams.OrderBy(_ => random.Next()).Select(s => (s, (LiveEvent)new AllianceChangedEvent(s.Key, $"{writer}.{round}", "n")))];
                var log = nodes[writer % 2];
                if (round % 3 == 0)
                {
                    await log.AppendBatchAsync([(Guid.NewGuid(), Entries()), (Guid.NewGuid(), Entries())]);
                }
                else
                {
                    await log.AppendAsync(Guid.NewGuid(), Entries());
                }
            }
        })));

        var each = 4 * (Rounds + (Rounds / 3)); // a group append puts two events on every stream
        foreach (var stream in streams)
        {
            var page = await nodes[0].ReadAsync(stream, 0);
            Assert.Equal(each, page.Head);
            Assert.Equal(Enumerable.Range(1, each).Select(i => (long)i), page.Events.Select(e => e.Sequence));
        }

        Assert.Equal(deadlocks, await DeadlocksAsync(connection));
    }

    private static async Task<long> DeadlocksAsync(string connection)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_stat_clear_snapshot(); SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()", db);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return reader.GetInt64(0);
    }

    private sealed class WithoutRetries(DbContextOptions<PostgresAllianceDbContext> options) : IDbContextFactory<AllianceDbContext>
    {
        public AllianceDbContext CreateDbContext() => new PostgresAllianceDbContext(options);
    }
}
