using Alliance.Server.Infrastructure;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Foundation;

/// <summary>
/// On SQLite every connection the host opens (a request's context, and the contexts the workflow store and the
/// consumers make from the factory) waits for the write lock inside SQLite (<c>busy_timeout</c>), so a writer that meets
/// another is not put to sleep for Microsoft.Data.Sqlite's 150 ms turns (<see cref="SqliteBusyWait"/>). The gain is
/// measured in docs/benchmarks.md, not here.
/// </summary>
public sealed class Sqlite_connections_wait_for_the_writer : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"alliance-busy-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Every_context_of_the_host_carries_the_busy_timeout()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAlliancePersistence(new AllianceOptions { Database = DatabaseProvider.Sqlite, Sqlite = $"Data Source={_path}" });
        await using var provider = services.BuildServiceProvider();

        await using (var scope = provider.CreateAsyncScope())
        {
            Assert.Equal(SqliteBusyWait.Milliseconds, await BusyTimeoutAsync(scope.ServiceProvider.GetRequiredService<AllianceDbContext>()));
        }

        await using var made = await provider.GetRequiredService<IDbContextFactory<AllianceDbContext>>().CreateDbContextAsync();
        Assert.Equal(SqliteBusyWait.Milliseconds, await BusyTimeoutAsync(made));
    }

    private static async Task<int> BusyTimeoutAsync(AllianceDbContext db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA busy_timeout;";
            return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }
}
