using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Alliance.Faults.Tests;

/// <summary>
/// Real faults under load, on real processes: each fact drives submissions through the public API with a live
/// watcher on the alliance board, injects one fault with a real signal, heals it, waits (bounded) for the system to
/// settle and then checks every submission against the database and the API. Nothing lost, nothing doubled, no route
/// without its item or item without its route, nothing stuck, outboxes empty, every event at the watcher once and in
/// order, and the audit chain intact.
/// </summary>
public sealed partial class Faults : IClassFixture<FaultSuite>
{
    private readonly FaultSuite suite;
    private readonly ITestOutputHelper output;

    public Faults(FaultSuite suite, ITestOutputHelper output)
    {
        this.suite = suite;
        this.output = output;
        suite.Stack.Log = line =>
        {
            try
            {
                output.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // a line after the test ended (the fixture's teardown)
            }
        };
    }

    private static readonly TimeSpan Warm = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    [FaultFact]
    public Task RabbitMq_killed_mid_load_then_restarted_loses_and_doubles_nothing() =>
        RunAsync("rabbitmq-kill", [1], async load =>
        {
            await suite.Stack.KillRabbitAsync();
            await Task.Delay(TimeSpan.FromSeconds(10));
            await suite.Stack.StartRabbitAsync();
        });

    [FaultFact]
    public Task The_app_killed_mid_load_then_restarted_loses_and_doubles_nothing() =>
        RunAsync("app-kill", [1], async load =>
        {
            await suite.Stack.KillNodeAsync(1);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await suite.Stack.StartNodeAsync(1);
        });

    [FaultFact]
    public async Task With_two_nodes_one_killed_the_load_carries_on_through_the_other()
    {
        await suite.Stack.StartNodeAsync(2);
        TimeSpan killedAt = default;
        var result = await RunAsync("node-kill", [1, 2], async load =>
        {
            await suite.Stack.KillNodeAsync(2);
            killedAt = load.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(6));
        }, assert: false, loadCheck: load =>
        {
            var throughSurvivor = load.Attempts.Count(a => a.Node == 1 && a.Outcome == Outcome.Accepted && a.At > killedAt);
            output.WriteLine($"accepted through node 1 after node 2 was killed: {throughSurvivor}");
            return throughSurvivor > 0 ? [] : ["no submission was accepted through node 1 after node 2 was killed"];
        });
        Assert.Empty(result);
    }

    [FaultFact]
    public Task Redis_killed_for_twenty_seconds_loses_no_live_update() =>
        RunAsync("redis-kill", [1], async load =>
        {
            await suite.Stack.KillRedisAsync();
            await Task.Delay(TimeSpan.FromSeconds(20));
            await suite.Stack.StartRedisAsync();
        });

    [FaultFact]
    public Task PostgreSql_stopped_immediately_then_started_gives_503_never_500_and_no_half_done_write() =>
        RunAsync("postgres-stop", [1], async load =>
        {
            await suite.Stack.StopPostgresImmediatelyAsync();
            await Task.Delay(TimeSpan.FromSeconds(5));
            await suite.Stack.StartPostgresAsync();
        });

    [FaultFact]
    public Task Clients_that_give_up_mid_request_leave_nothing_half_done() =>
        RunAsync("client-abort", [1], _ => Task.Delay(TimeSpan.FromSeconds(10)),
            workers: 4, timeout: () => TimeSpan.FromMilliseconds(Random.Shared.Next(10, 400)), retry: false);

    private async Task RunAsync(string fault, int[] nodes, Func<Load, Task> inject, int workers = 3, Func<TimeSpan>? timeout = null, bool retry = true) =>
        Assert.Empty(await RunAsync(fault, nodes, inject, assert: true, loadCheck: null, workers, timeout, retry));

    /// <summary>Load, fault, heal, settle, check. Returns the broken promises (and asserts them when <paramref name="assert"/>).</summary>
    private async Task<IReadOnlyList<string>> RunAsync(
        string fault, int[] nodes, Func<Load, Task> inject, bool assert, Func<Load, IReadOnlyList<string>>? loadCheck, int workers = 3, Func<TimeSpan>? timeout = null,
        bool retry = true)
    {
        var clock = Stopwatch.StartNew();
        var label = $"{fault}-{DateTime.UtcNow:HHmmss}";
        await using var watcher = await Watcher.StartAsync(suite.Stack.Node(nodes[0]), suite.Secretary, Load.Alliance);
        var load = Load.Start(label, [.. nodes.Select(n => (n, suite.Stack.Node(n)))], suite.Secretary, workers, TimeSpan.FromMilliseconds(150), timeout ?? (() => TimeSpan.FromSeconds(10)), retry);
        TimeSpan healedAt;
        try
        {
            await Task.Delay(Warm);
            output.WriteLine($"{load.Elapsed.TotalSeconds:F1} s: injecting {fault} ({load.Attempts.Count} submissions so far)");
            await inject(load);
            healedAt = load.Elapsed;
            output.WriteLine($"{healedAt.TotalSeconds:F1} s: healed");
            await Task.Delay(After);
        }
        finally
        {
            await load.StopAsync();
        }

        var healClock = Stopwatch.StartNew() ;
        var settled = await SettleAsync(watcher);
        var settledAfterHeal = (load.Elapsed - healedAt - healClock.Elapsed + settled).TotalSeconds;
        var result = await CheckAsync(fault, label, load, watcher, healedAt, settledAfterHeal, clock.Elapsed);
        suite.Results.Enqueue(result);
        output.WriteLine(FaultResult.Header);
        output.WriteLine(FaultResult.Rule);
        output.WriteLine(result.Row);
        foreach (var retried in load.Attempts.Where(a => a.Tries > 1).GroupBy(a => $"{a.Earlier} then {a.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? a.Code}"))
        {
            output.WriteLine($"  retried: {retried.Key} × {retried.Count()}");
        }

        foreach (var code in load.Attempts.Where(a => a.Outcome != Outcome.Accepted).GroupBy(a => $"{a.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} {a.Code} retry-after={a.RetryAfter}"))
        {
            output.WriteLine($"  not accepted: {code.Key} × {code.Count()}");
        }

        foreach (var second in load.Attempts.GroupBy(a => (int)(a.At.TotalSeconds / 2) * 2).OrderBy(g => g.Key))
        {
            output.WriteLine($"  {second.Key,3}-{second.Key + 2,3} s: " + string.Join(", ", second.GroupBy(a => a.Outcome == Outcome.Accepted ? "201" : a.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? a.Code)
                .Select(g => $"{g.Key} × {g.Count()}")));
        }

        var broken = result.Broken().Concat(loadCheck?.Invoke(load) ?? []).ToList();
        if (settled >= SettleLimit)
        {
            // Queues still full after two minutes are the stale live state the fault must not leave (a consumer that
            // did not come back, or one held up by the broker's restart).
            broken.Add($"not settled within {SettleLimit.TotalSeconds:F0} s after the load stopped");
        }

        if (broken.Count > 0)
        {
            output.WriteLine("BROKEN: " + string.Join("; ", broken));
            output.WriteLine("node 1 log tail:\n" + suite.Stack.NodeLog(1, 40));
        }

        if (assert)
        {
            Assert.Empty(broken);
        }

        return broken;
    }

    /// <summary>
    /// Waits (bounded) until the outboxes are empty, the app's queues on RabbitMQ are empty and consumed, no route is
    /// running, the audit trail is sealed and the watcher has
    /// the stream's head, and all that has held, with the head unchanged, for <see cref="Quiet"/> (an event published
    /// but still on the bus is in no table); returns how long that took.
    /// </summary>
    private async Task<TimeSpan> SettleAsync(Watcher watcher)
    {
        var clock = Stopwatch.StartNew();
        var ledger = suite.Ledger;
        TimeSpan? quietSince = null;
        long quietHead = -1;
        IReadOnlyList<string> lastBus = [];
        while (clock.Elapsed < SettleLimit)
        {
            try
            {
                var head = await ledger.HeadAsync(watcher.Stream);
                var bus = await suite.Stack.BusBacklogAsync();
                var settled = await ledger.BacklogAsync() == 0 && await ledger.UnsettledRoutesAsync() == 0 && bus.Count == 0
                    && watcher.Position >= head && (await AuditAsync()).Unsealed == 0;
                lastBus = bus;
                if (!settled)
                {
                    quietSince = null;
                }
                else if (quietSince is not { } since || head != quietHead)
                {
                    quietSince = clock.Elapsed;
                    quietHead = head;
                }
                else if (clock.Elapsed - since >= Quiet)
                {
                    return since;
                }
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or HttpRequestException or TimeoutException or TaskCanceledException or System.Text.Json.JsonException)
            {
                quietSince = null;
            }

            await Task.Delay(250);
        }

        output.WriteLine($"not settled within {SettleLimit.TotalSeconds:F0} s; queues not drained: {string.Join("; ", lastBus)}");
        return clock.Elapsed;
    }

    private async Task<(bool Intact, long Unsealed)> AuditAsync()
    {
        using var http = new HttpClient { BaseAddress = suite.Stack.Node(1), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", suite.DistrictAdmin);
        var report = await http.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        return (report.GetProperty("intact").GetBoolean(), report.GetProperty("unsealed").GetInt64());
    }

    private async Task<FaultResult> CheckAsync(string fault, string label, Load load, Watcher watcher, TimeSpan healedAt, double settledAfterHeal, TimeSpan duration)
    {
        var ledger = suite.Ledger;
        var attempts = load.Attempts.ToList();
        var items = await ledger.ItemsAsync(label);
        var byTitle = items.GroupBy(i => i.Title).ToDictionary(g => g.Key, g => g.ToList());
        var routes = await ledger.RoutesAsync(label);
        var routeIds = routes.Select(r => r.Id).ToHashSet();
        var itemIds = items.Select(i => i.Id.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var (repeats, gaps) = await ledger.TimelineFaultsAsync(label);

        var accepted = attempts.Where(a => a.Outcome == Outcome.Accepted).ToList();
        var refused = attempts.Where(a => a.Outcome == Outcome.Refused).ToList();
        var unknown = attempts.Where(a => a.Outcome == Outcome.Unknown).ToList();
        var lost = accepted.Count(a => !byTitle.TryGetValue(a.Title, out var found) || found.All(i => i.Id != a.ItemId));
        var duplicated = byTitle.Count(t => t.Value.Count > 1);
        var refusedButDone = refused.Count(a => byTitle.ContainsKey(a.Title));
        var orphaned = routes.Count(r => r.CorrelationKey is null || !itemIds.Contains(r.CorrelationKey));
        var withoutRoute = items.Count(i => !routeIds.Contains(i.Route));
        var routeById = routes.ToDictionary(r => r.Id);
        var mismatched = items.Count(i => routeById.TryGetValue(i.Route, out var r) && r.BusinessStatus is { } s && s != i.Status);
        var stuck = routes.Count(r => r.Status is "Running" or "Faulted" || r.OpenIncident || (r.Status == "Waiting" && !r.HasBookmark));

        // The watcher: every stream event after its start, once and in order; each item's latest change seen with the item's status.
        var log = await ledger.StreamAsync(watcher.Stream, watcher.StartHead);
        var handed = watcher.HandedOver;
        var handedSequences = handed.Select(e => e.Sequence).ToList();
        var missing = log.Count(e => !handedSequences.Contains(e.Sequence));
        var inOrder = handedSequences.SequenceEqual(Enumerable.Range(0, handedSequences.Count).Select(i => watcher.StartHead + 1 + i));
        var lastSeen = handed.Where(e => e.Kind == "ItemChanged")
            .Select(e => (Item: e.Data.GetProperty("itemId").GetGuid(), Seq: e.Data.GetProperty("itemSequence").GetInt64(), Status: e.Data.GetProperty("status").GetString()))
            .GroupBy(e => e.Item).ToDictionary(g => g.Key, g => g.MaxBy(e => e.Seq).Status);
        var notSeenItems = items.Where(i => !lastSeen.TryGetValue(i.Id, out var status) || status != i.Status).ToList();
        var notSeen = notSeenItems.Count;
        foreach (var e in log.Where(e => !handedSequences.Contains(e.Sequence)).Take(5))
        {
            output.WriteLine($"  never handed over: #{e.Sequence} {e.Kind} item {e.ItemId} itemSequence {e.ItemSequence} status {e.Status}");
        }

        foreach (var i in notSeenItems.Take(5))
        {
            output.WriteLine($"  item {i.Id} ({i.Title}, {i.Status}, sequence {i.Sequence}): watcher's last status {lastSeen.GetValueOrDefault(i.Id) ?? "none"}; "
                + $"log has {string.Join(",", log.Where(e => e.ItemId == i.Id).Select(e => $"#{e.Sequence}:{e.Kind}/{e.ItemSequence}/{e.Status}"))}");
        }

        output.WriteLine($"  watcher: start head {watcher.StartHead}, position {watcher.Position}, handed over {handed.Count}, log after start {log.Count}");
        var audit = await AuditAsync();

        return new FaultResult(
            fault, attempts.Count, accepted.Count,
            attempts.Sum(a => (a.Status == 503 ? 1 : 0) + (a.Earlier?.Split(',').Count(e => e == "503") ?? 0)),
            refused.Count(a => a.Status is not null and not 503),
            attempts.Count(a => a.Tries > 1), attempts.Count(a => a.Tries > 1 && a.Replayed),
            unknown.Count, unknown.Count(a => byTitle.ContainsKey(a.Title)),
            lost, duplicated, refusedButDone, orphaned, withoutRoute, mismatched, repeats, gaps, stuck,
            await ledger.BacklogAsync(), missing + notSeen, watcher.PushedTwice.Count, inOrder, audit.Intact && audit.Unsealed == 0,
            load.FirstAcceptedAfter(healedAt) is { } first ? (first - healedAt).TotalSeconds : null, settledAfterHeal, duration.TotalSeconds);
    }
}
