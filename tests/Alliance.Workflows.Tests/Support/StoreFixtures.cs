using Alliance.Workflows.Persistence;
using Alliance.Workflows.Persistence.Ef;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Alliance.Workflows.Tests.Support;

/// <summary>The stores of one test class: a temp SQLite folder and, when needed, a PostgreSQL database; removed afterwards.</summary>
public sealed class StoreFixture : IDisposable
{
    private readonly SqliteStoreFixture _sqlite = new();
    private readonly Lazy<PostgresStoreFixture> _postgres = new(() => new PostgresStoreFixture());

    /// <summary>A store of this kind; an EF store gets the hook <paramref name="hook"/> makes for its context options.</summary>
    public IWorkflowStore CreateStore(StoreKind kind, Func<DbContextOptions<TestDbContext>, IWorkflowCommitHook>? hook = null) => kind switch
    {
        StoreKind.Sqlite => _sqlite.CreateStore(hook),
        StoreKind.Postgres => _postgres.Value.CreateStore(hook),
        _ => new InMemoryWorkflowStore(),
    };

    public void Dispose()
    {
        _sqlite.Dispose();
        if (_postgres.IsValueCreated)
        {
            _postgres.Value.Dispose();
        }
    }
}

/// <summary>A temporary SQLite file per store (deleted with the fixture).</summary>
public sealed class SqliteStoreFixture : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("alliance-wf-").FullName;

    public IWorkflowStore CreateStore(Func<DbContextOptions<TestDbContext>, IWorkflowCommitHook>? hook = null)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, $"{Guid.NewGuid():N}.db"), Pooling = true, DefaultTimeout = 60 };
        var options = new DbContextOptionsBuilder<TestDbContext>().UseSqlite(builder.ToString()).Options;
        using (var db = new TestDbContext(options))
        {
            db.Database.EnsureCreated();
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }

        return new EfWorkflowStore<TestDbContext>(() => new TestDbContext(options), hook?.Invoke(options));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a temp folder left behind is harmless
        }
    }
}

/// <summary>A uniquely named PostgreSQL database per test class, dropped afterwards.</summary>
public sealed class PostgresStoreFixture : IDisposable
{
    private readonly string? _admin = TestProfile.PostgresConnectionString;
    private readonly string _database = $"alliance_wf_{Guid.NewGuid():N}";
    private string? _connection;

    public IWorkflowStore CreateStore(Func<DbContextOptions<TestDbContext>, IWorkflowCommitHook>? hook = null)
    {
        var admin = _admin ?? TestProfile.RequirePostgres();
        if (_connection is null)
        {
            using (var connection = new NpgsqlConnection(admin))
            {
                connection.Open();
                using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
                create.ExecuteNonQuery();
            }

            _connection = new NpgsqlConnectionStringBuilder(admin) { Database = _database, MaxPoolSize = 20 }.ToString();
        }

        var options = new DbContextOptionsBuilder<TestDbContext>().UseNpgsql(_connection).Options;
        using (var db = new TestDbContext(options))
        {
            db.Database.ExecuteSqlRaw("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
            db.Database.EnsureCreated();
        }

        return new EfWorkflowStore<TestDbContext>(() => new TestDbContext(options), hook?.Invoke(options));
    }

    public void Dispose()
    {
        if (_connection is null || _admin is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(_admin);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        drop.ExecuteNonQuery();
    }
}
