using System.Net.Sockets;
using Alliance.Server.Infrastructure.Problems;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace Alliance.Server.Infrastructure.Reliability;

/// <summary>
/// Tells a transient fault of a dependency (PostgreSQL down or restarting, a connection refused or timed out,
/// EF Core's retries used up, SQLite busy beyond its timeout, the broker unreachable) from a defect, by looking at
/// the exception and everything inside it. A transient fault becomes a 503 with <c>Retry-After</c>; a defect stays
/// a 500.
/// </summary>
public static class TransientFaults
{
    // SQLite: SQLITE_BUSY (5) and SQLITE_LOCKED (6) after the busy timeout.
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>The 503 for <paramref name="exception"/>, or <c>null</c> when it is not a transient dependency fault.</summary>
    public static ServiceUnavailableProblem? Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var database = false;
        var bus = false;
        var insideDatabase = false;
        foreach (var e in Chain(exception))
        {
            switch (e)
            {
                case RetryLimitExceededException:
                case NpgsqlException { IsTransient: true }:
                case PostgresException { SqlState: var state } when IsUnavailableState(state):
                case SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }:
                    database = true;
                    break;
                case RabbitMqConnectionException:
                case BrokerUnreachableException:
                case AlreadyClosedException:
                case ConnectFailureException:
                    bus = true;
                    break;
                case System.Data.Common.DbException:
                    insideDatabase = true;
                    break;
                case SocketException:
                    // A refused or reset connection: the broker when a broker exception holds it, else the database,
                    // the only dependency a request reaches directly (the bus is reached through the outboxes).
                    database |= !bus;
                    break;
                case TimeoutException when insideDatabase:
                    // Only a database's timeout: a bare TimeoutException may be a script's time limit, which is no outage.
                    database = true;
                    break;
            }
        }

        return bus ? ServiceUnavailableProblem.Bus() : database ? ServiceUnavailableProblem.Database() : null;
    }

    /// <summary>PostgreSQL states that mean "not now" rather than "wrong": connection exceptions (class 08), too many connections, shutting down or starting up.</summary>
    private static bool IsUnavailableState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state is "53300" or "57P01" or "57P02" or "57P03";

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>();
        pending.Push(exception);
        var seen = 0;
        while (pending.Count > 0 && seen++ < 32)
        {
            var e = pending.Pop();
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (e.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
