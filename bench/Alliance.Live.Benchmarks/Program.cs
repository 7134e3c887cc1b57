// Live-update benchmark (issue 7): one Alliance.Server process on the real-server stack (PostgreSQL, RabbitMQ,
// Redis on 127.0.0.1, as infra/scripts/servers.sh starts them), SignalR watchers in this process.
//
//   latency  : submit-to-receipt p50/p99 at several change rates with W watchers on one stream
//   idle     : how many idle watchers one node holds, and the server's memory per connection
//   fanout   : time from publishing one change until the last of N watchers has it
//   items    : user actions through the REST API, closed loop: C clients each submitting deliberations
//              (POST /api/items) for S seconds, then C clients each claiming and completing the intake task of one
//              submitted before (POST /api/tasks/{id}/claim + /complete: a pair); actions/s, p50/p99 and server CPU
//              per action; and each action's first ItemChanged push to a SignalR watcher of the alliance (p50/p99).
//              --server-dll runs another build of the server (old beside new, alternated).
//   writes   : audited writes/s through the REST API, closed loop: C clients each renaming an alliance
//              (PUT /api/alliances/{id}) as fast as answered for S seconds, over one alliance or all 8 of the
//              demo region (--alliances 1|8); then the audit chain is verified once every entry is sealed
//   votes    : joint-meeting votes (issue 17): M members of one alliance cast their ballots on one decision item
//              within one second (spread over it, or all at once) while W SignalR watchers follow meeting:{id};
//              ballots/s, HTTP p50/p99, ballot → tally on every watcher p50/p99, exactly-once checks, and the raw
//              baselines of the same run (VoteBenchmark.cs). Its own database alliance_votebench and vhost votebench.
//
// A "change" is an AllianceChanged event published on the bus (as the alliance administration publishes it); the
// server's feed consumer appends it to alliance:{id} (numbered in PostgreSQL) and pushes it through the hub and
// the Redis backplane. Latency = receipt time - the event's OccurredAt (same machine clock).
// With --via http a change is instead a rename of the alliance through the REST API (PUT /api/alliances/{id}, as the
// district administrator): request → audit + host outbox in one transaction → outbox dispatcher → RabbitMQ → feed →
// hub. Latency = receipt time - the moment the benchmark sent that request.
//
// Usage (from the repository root, servers started with servers_start so ALLIANCE_TEST_* are set):
//   dotnet build -c Release src/Alliance.Server && dotnet run -c Release --project bench/Alliance.Live.Benchmarks -- all
//   ... -- latency --watchers 100 --rates 50,200,1000 --seconds 10 [--via bus|http]
//   ... -- idle --connections 10000
//   ... -- fanout --sizes 1000,10000
//   ... -- writes --clients 32 --seconds 10 --alliances 8
//   ... -- items --clients 8 --seconds 15 [--server-dll /path/to/Alliance.Server.dll] [--warmup 60]
//       [--baseline on|off] [--baseline-rows 20] [--statements on] [--perf FILE --perf-seconds 8]
//       (runs without PostgreSQL, RabbitMQ and Redis when --server-env names Alliance__Database=Sqlite and
//       Alliance__Bus=InMemory; --statements on: EF Core commands per action from the server's log, in a run of its own)
//   ... -- votes --members 200 --watchers 20 [--schedules spread,burst] [--rounds 1] [--baseline on|off]
//       [--server-env "Alliance__Database=Sqlite,Alliance__Sqlite=Data Source=/tmp/bench.db,Alliance__Bus=InMemory,Alliance__Jobs=InMemory,Alliance__Redis="]
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Alliance.Contracts.Alliances;
using Alliance.Live.Benchmarks;
using MassTransit;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

var mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

// The items mode also runs on the embedded defaults (--server-env with Alliance__Database=Sqlite and
// Alliance__Bus=InMemory): then no PostgreSQL, RabbitMQ or Redis is needed, and none is touched.
var serverEnvironment = Arg("server-env", "").Split(',', StringSplitOptions.RemoveEmptyEntries)
    .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
var embedded = mode == "items" && serverEnvironment.GetValueOrDefault("Alliance__Database") == "Sqlite"
    && serverEnvironment.GetValueOrDefault("Alliance__Bus") == "InMemory";
var postgres = embedded ? "" : Env("ALLIANCE_TEST_POSTGRES");
var rabbit = embedded ? "" : Env("ALLIANCE_TEST_RABBITMQ");
var redis = embedded ? "" : Env("ALLIANCE_TEST_REDIS");
// The vote benchmark keeps to a database and virtual host of its own, so it can run beside the other modes.
var database = mode == "votes" ? "alliance_votebench" : "alliance_livebench";
var vhost = mode == "votes" ? "votebench" : "livebench";
var postgresBench = embedded ? "" : new NpgsqlConnectionStringBuilder(postgres) { Database = database, MaxPoolSize = 100 }.ConnectionString;
if (!embedded)
{
    await ResetDatabaseAsync(postgres, database);
    await ResetVhostAsync(Env("ALLIANCE_TEST_RABBITMQ_API"), rabbit, vhost);
}

var rabbitBench = embedded ? null : new UriBuilder(rabbit) { Path = "/" + vhost }.Uri;

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
if (mode == "votes")
{
    // Every member signs in from this one address: the per-client sign-in limit (60 a minute) would refuse most of them.
    serverEnvironment.TryAdd("Alliance__SignInPerClientPerMinute", "100000");
}

// --statements on: the server logs each EF Core command (Information on Microsoft.EntityFrameworkCore.Database.Command)
// and the items mode counts them per action from its output. The logging costs CPU: take rates and CPU from a run
// without it.
var statements = mode == "items" && Arg("statements", "off") == "on" ? new StatementCounter() : null;
if (statements is not null)
{
    serverEnvironment.TryAdd("Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command", "Information");
}

using var server = await ServerProcess.StartAsync(postgresBench, rabbitBench?.ToString() ?? "", embedded ? "" : $"{redis},channelPrefix={vhost}", serverEnvironment, Arg("server-dll", ""), statements);
if (serverEnvironment.Count > 0)
{
    Console.WriteLine($"server environment: {string.Join(", ", serverEnvironment.Select(p => $"{p.Key}={p.Value}"))}");
}

Console.WriteLine($"server: pid {server.Pid} at {server.Address}, RSS {server.RssMb():F0} MB after start");
var token = await server.TokenAsync("wangjianguo", "Alliance#2026"); // the demo district administrator
var alliance = IdOf("alliance/street/1");
var stream = $"alliance:{alliance:D}";

var bus = embedded ? Bus.Factory.CreateUsingInMemory(_ => { }) : Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(rabbitBench));
await bus.StartAsync();
try
{
    if (mode is "latency" or "all")
    {
        var watchers = int.Parse(Arg("watchers", "100"));
        var seconds = double.Parse(Arg("seconds", "10"), System.Globalization.CultureInfo.InvariantCulture);
        await using var pool = await WatcherPool.OpenAsync(server, token, stream, watchers, parallel: 20);
        using var api = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = server.Address };
        api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Func<string, Task> change = Arg("via", "bus") == "http"
            ? async name =>
            {
                pool.Sent(name);
                using var response = await api.PutAsJsonAsync($"/api/alliances/{alliance}", new { name });
                response.EnsureSuccessStatusCode();
            }
            : name => bus.Publish(new AllianceChanged(alliance, name, "bench"));
        Console.WriteLine($"changes via {Arg("via", "bus")}");
        // A fresh server runs its first seconds on tier-0 code while the JIT re-compiles the hot path (tiered PGO):
        // the first run after a short warm-up measured the JIT, not the feed. The cold start is reported as such;
        // then a warm-up at min(200, highest rate asked) changes/s for --warmup seconds (default 20, in 5 s slices,
        // each reported), and only then are the rates measured.
        var warmup = double.Parse(Arg("warmup", "20"), System.Globalization.CultureInfo.InvariantCulture);
        var rates = Arg("rates", "50,200,1000").Split(',').Select(int.Parse).ToList();
        await RunRateAsync(change, pool, 20, 2, "cold start (fresh server, 20 changes/s)", server: server);
        var warmRate = Math.Min(200, rates.Max());
        for (var done = 0.0; done < warmup; done += 5)
        {
            await RunRateAsync(change, pool, warmRate, Math.Min(5, warmup - done), $"warm-up at {warmRate}/s", server: server);
        }

        foreach (var rate in rates)
        {
            await RunRateAsync(change, pool, rate, seconds, null, server: server);
        }
    }

    if (mode is "fanout" or "all")
    {
        var sizes = Arg("sizes", "1000,10000").Split(',').Select(int.Parse).ToList();
        await using var pool = new WatcherPool(stream);
        foreach (var size in sizes)
        {
            await pool.GrowAsync(server, token, size, parallel: 50);
            await RunRateAsync(name => bus.Publish(new AllianceChanged(alliance, name, "bench")), pool, 5, 1, null, quiet: true); // warm the path at this size
            var times = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                pool.Reset(1);
                var clock = Stopwatch.StartNew();
                await bus.Publish(new AllianceChanged(alliance, $"fanout.{size}.{i}", "bench"));
                var done = await pool.WaitAllAsync(TimeSpan.FromSeconds(60));
                times.Add(clock.Elapsed.TotalMilliseconds);
                if (!done)
                {
                    Console.WriteLine($"  fan-out {size}: only {pool.Complete} of {size} watchers had the change after 60 s");
                }
            }

            times.Sort();
            Console.WriteLine($"fan-out to {size,6} watchers: publish → last receipt median {times[2]:F0} ms (min {times[0]:F0}, max {times[^1]:F0}) over 5 changes; server RSS {server.RssMb():F0} MB");
        }
    }

    if (mode is "items")
    {
        var clients = int.Parse(Arg("clients", "8"));
        var seconds = double.Parse(Arg("seconds", "15"), System.Globalization.CultureInfo.InvariantCulture);
        var secretary = await server.TokenAsync("zhaolihua", "Alliance#2026"); // the demo community secretary of 桂花社区
        var communityAlliance = IdOf("alliance/community/1");
        using var api = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 4 }) { BaseAddress = server.Address };
        api.DefaultRequestHeaders.Authorization = new("Bearer", secretary);
        var submitted = new System.Collections.Concurrent.ConcurrentQueue<Guid>();
        // Action → hub push: one SignalR watcher (the secretary) on the alliance's stream notes when each item's
        // ItemChanged reaches it; the benchmark notes when it sent the submission, or the completion, of that item.
        var pushed = new System.Collections.Concurrent.ConcurrentDictionary<Guid, System.Collections.Concurrent.ConcurrentQueue<(DateTimeOffset At, string Status)>>();
        var submitSent = new System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset>();
        var completeSent = new System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset>();
        await using var watcher = new HubConnectionBuilder()
            .WithUrl(new Uri(server.Address, "hubs/alliance"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(secretary);
                o.SkipNegotiation = true;
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            })
            .Build();
        watcher.On<JsonElement>("ItemChanged", e => pushed.GetOrAdd(e.GetProperty("itemId").GetGuid(), _ => new())
            .Enqueue((DateTimeOffset.UtcNow, e.GetProperty("status").GetString() ?? "")));
        await watcher.StartAsync();
        var watching = await watcher.InvokeAsync<JsonElement>("Watch", $"alliance:{communityAlliance:D}");
        if (!watching.GetProperty("watching").GetBoolean())
        {
            throw new InvalidOperationException("the secretary may not watch her alliance: " + watching);
        }
        async Task<List<double>> LoopAsync(double forSeconds, Func<int, Task> act)
        {
            var times = new List<double>();
            var clock = Stopwatch.StartNew();
            var next = 0;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
            {
                var mine = new List<double>();
                while (clock.Elapsed.TotalSeconds < forSeconds)
                {
                    var started = clock.Elapsed;
                    await act(Interlocked.Increment(ref next));
                    mine.Add((clock.Elapsed - started).TotalMilliseconds);
                }

                lock (times)
                {
                    times.AddRange(mine);
                }
            }));
            times.Sort();
            return times;
        }

        async Task Submit(int n)
        {
            var sent = DateTimeOffset.UtcNow;
            using var response = await api.PostAsJsonAsync("/api/items", new
            {
                kind = "deliberation", title = $"压测议题 {n}", description = "基准测试提交的议事事项。", category = "养老",
                allianceId = communityAlliance, scope = "alliance",
            });
            response.EnsureSuccessStatusCode();
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            submitSent[id] = sent;
            submitted.Enqueue(id);
        }

        async Task ClaimAndComplete(int n)
        {
            if (!submitted.TryDequeue(out var item))
            {
                await Submit(n);
                return;
            }

            var detail = await api.GetFromJsonAsync<JsonElement>($"/api/items/{item}");
            var task = detail.GetProperty("currentSteps").EnumerateArray().First(s => s.GetProperty("step").GetString() == "intake").GetProperty("taskId").GetGuid();
            using (var claim = await api.PostAsJsonAsync($"/api/tasks/{task}/claim", new { }))
            {
                claim.EnsureSuccessStatusCode();
            }

            completeSent[item] = DateTimeOffset.UtcNow;
            using var complete = await api.PostAsJsonAsync($"/api/tasks/{task}/complete", new { outcome = "accept" });
            complete.EnsureSuccessStatusCode();
        }

        void Report(string what, List<double> times, double cpu, double load, string note, string whose = "server")
        {
            double Q(double q) => times[Math.Min(times.Count - 1, (int)(q * times.Count))];
            Console.WriteLine($"{what}, {clients} clients: {times.Count} in {seconds:F0} s = {times.Count / seconds:F1}/s; p50 {Q(0.5):F1} ms, p99 {Q(0.99):F1} ms; " +
                $"{whose} CPU {cpu / seconds:F2} cores ({cpu * 1000 / Math.Max(1, times.Count):F1} ms an action); load average {load}; {note}");
        }

        static double Load() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        // The raw baseline (RawBaseline.cs): a minimal endpoint hosted by this program, on the same kind of database
        // and bus, the same clients and loop; each action's rate is reported as a ratio to it.
        // 20: the rows a deliberation's submission writes in its request's commits (SQLite, 2026-12-07: the item, its task and
        // candidate, 3 item events, 3 outbox rows, the audit entry, a figure delta; the route's instance, 4 bookmarks,
        // 3 journal rows, 2 workflow outbox rows). The feed's and notifications' rows after it are not counted.
        var baselineRows = int.Parse(Arg("baseline-rows", "20"));
        List<double>? raw = null;
        if (Arg("baseline", "on") != "off")
        {
            await using var baseline = await RawBaseline.StartAsync(embedded ? null : postgresBench, bus, baselineRows);
            using var rawApi = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 4 }) { BaseAddress = baseline.Address };
            Task RawSubmit(int n) => baseline.PostAsync(rawApi, n);
            await LoopAsync(3, RawSubmit); // warm-up
            var benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            raw = await LoopAsync(seconds, RawSubmit);
            benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchCpu;
            Report($"raw baseline ({baselineRows} rows in one transaction + 1 bus message, {baseline.Kind})", raw, benchCpu, Load(), "1×", "this process (host + clients)");
        }

        double Ratio(List<double> times) => raw is null ? double.NaN : (double)times.Count / raw.Count;
        // Warm-up of each action before it is measured: JIT (tiered PGO), pools. The server JIT-compiles ~65,000
        // methods in its first minute under this load (DOTNET_JitStdOutFile + DOTNET_JitDisasmSummary, 2026-12-07):
        // after the 5 s warm-up this mode had before, a perf profile of the measured submissions had 38–59 % of the
        // server's samples in its tiered-compilation thread, and the first claims and completions compile their own.
        var warmup = double.Parse(Arg("warmup", "60"), System.Globalization.CultureInfo.InvariantCulture);
        await LoopAsync(warmup, Submit);
        submitSent.Clear(); // the warm-up's pushes are not reported
        var perf = Arg("perf", ""); // a perf.data file: the server sampled with call graphs during the measured submissions
        using var profiler = perf.Length > 0
            ? Process.Start(new ProcessStartInfo("perf", ["record", "-F", "499", "-g", "-p", server.Pid.ToString(), "-o", perf, "--", "sleep", Arg("perf-seconds", "8")]) { RedirectStandardError = true })
            : null;
        var counted = statements?.Snapshot();
        var cpu = server.CpuSeconds();
        var submissions = await LoopAsync(seconds, Submit);
        Report("submissions (POST /api/items, deliberation)", submissions, server.CpuSeconds() - cpu, Load(), $"{Ratio(submissions):F3}× the raw baseline");
        if (statements is not null)
        {
            await Task.Delay(1000); // the console logger writes behind
            var now = statements.Snapshot();
            Console.WriteLine($"  per submission (EF Core commands in the server's log): {StatementCounter.PerAction(counted!, now, submissions.Count)}");
            counted = now;
        }

        if (profiler is not null)
        {
            await profiler.WaitForExitAsync();
            Console.WriteLine($"  perf: the server sampled from the start of the measured submissions into {perf} (exit {profiler.ExitCode}; these figures include its cost)");
        }

        // Their warm-up (half as long: the submissions warmed the rest), keeping as many submitted items in reserve as
        // the measured submissions left, so that the measured pairs find items to complete.
        var reserve = submissions.Count;
        await LoopAsync(warmup / 2, n => submitted.Count > reserve ? ClaimAndComplete(n) : Submit(n));
        completeSent.Clear();
        counted = statements?.Snapshot();
        cpu = server.CpuSeconds();
        var pairs = await LoopAsync(seconds, ClaimAndComplete);
        Report("claim + complete pairs (GET item, POST claim, POST complete)", pairs, server.CpuSeconds() - cpu, Load(), $"{Ratio(pairs):F3}× the raw baseline");
        if (statements is not null)
        {
            await Task.Delay(1000);
            Console.WriteLine($"  per pair (EF Core commands in the server's log): {StatementCounter.PerAction(counted!, statements.Snapshot(), pairs.Count)}");
        }

        // Pushes still on their way are waited for (up to 10 s), then each action's first push is matched: a submission
        // by the item's "submitted" change, a completion by the item's first change to another status after it was sent.
        await Task.Delay(TimeSpan.FromSeconds(10));
        void PushReport(string what, IEnumerable<KeyValuePair<Guid, DateTimeOffset>> sent, Func<(DateTimeOffset At, string Status), DateTimeOffset, bool> matches)
        {
            var latencies = new List<double>();
            var missing = 0;
            foreach (var (item, at) in sent)
            {
                var first = pushed.TryGetValue(item, out var q) ? q.Where(r => matches(r, at)).Select(r => (DateTimeOffset?)r.At).FirstOrDefault() : null;
                if (first is { } got)
                {
                    latencies.Add((got - at).TotalMilliseconds);
                }
                else
                {
                    missing++;
                }
            }

            latencies.Sort();
            double Q(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
            Console.WriteLine($"{what} → hub push to a watcher of the alliance: {latencies.Count} matched, {missing} without a push; p50 {Q(0.5):F1} ms, p99 {Q(0.99):F1} ms, max {Q(1):F1} ms");
        }

        PushReport("submission", submitSent, (r, _) => r.Status == "submitted");
        PushReport("completion", completeSent, (r, at) => r.Status != "submitted" && r.At >= at);
    }

    if (mode is "writes")
    {
        var clients = int.Parse(Arg("clients", "32"));
        var seconds = double.Parse(Arg("seconds", "10"), System.Globalization.CultureInfo.InvariantCulture);
        var spread = int.Parse(Arg("alliances", "8"));
        var targets = new[] { "street/1", "street/2", "community/1", "community/2", "community/3", "community/4", "community/5", "community/6" }
            .Take(spread).Select(k => IdOf($"alliance/{k}")).ToArray();
        using var api = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 4 }) { BaseAddress = server.Address };
        api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        async Task<List<double>> RunAsync(double forSeconds, string label)
        {
            var times = new List<double>();
            var clock = Stopwatch.StartNew();
            var next = 0;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
            {
                var mine = new List<double>();
                while (clock.Elapsed.TotalSeconds < forSeconds)
                {
                    var n = Interlocked.Increment(ref next);
                    var started = clock.Elapsed;
                    using var response = await api.PutAsJsonAsync($"/api/alliances/{targets[n % targets.Length]}", new { name = $"{label}.{n}" });
                    response.EnsureSuccessStatusCode();
                    mine.Add((clock.Elapsed - started).TotalMilliseconds);
                }

                lock (times)
                {
                    times.AddRange(mine);
                }
            }));
            times.Sort();
            return times;
        }

        await RunAsync(5, "warm-up"); // JIT (tiered PGO), pools
        var serverCpu = server.CpuSeconds();
        var benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var measured = await RunAsync(seconds, "writes");
        serverCpu = server.CpuSeconds() - serverCpu;
        benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchCpu;
        double Q(double q) => measured[Math.Min(measured.Count - 1, (int)(q * measured.Count))];
        Console.WriteLine($"audited writes, {clients} clients over {targets.Length} alliance(s): {measured.Count} in {seconds:F0} s = {measured.Count / seconds:F0}/s; " +
            $"request p50 {Q(0.5):F1} ms, p99 {Q(0.99):F1} ms, max {Q(1):F1} ms; CPU: server {serverCpu / seconds:F2} cores " +
            $"({serverCpu * 1000 / measured.Count:F1} ms a write), benchmark {benchCpu / seconds:F2} cores; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        var sealing = Stopwatch.StartNew();
        JsonElement report;
        do
        {
            report = await api.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        }
        while (report.TryGetProperty("unsealed", out var pending) && pending.GetInt64() > 0 && sealing.Elapsed < TimeSpan.FromSeconds(60));
        Console.WriteLine($"  audit chain after the run (sealed within {sealing.Elapsed.TotalMilliseconds:F0} ms of the last answer): {report}");
    }

    if (mode is "votes")
    {
        await VoteBenchmark.RunAsync(server, token, postgresBench, Arg);
    }

    if (mode is "idle")
    {
        var target = int.Parse(Arg("connections", "10000"));
        var before = server.RssMb();
        await using var pool = new WatcherPool(stream);
        foreach (var step in new[] { 1000, 2500, 5000, 7500, 10000, 15000 }.Where(s => s <= target).Append(target).Distinct())
        {
            var clock = Stopwatch.StartNew();
            await pool.GrowAsync(server, token, step, parallel: 50);
            await Task.Delay(2000); // let the server settle before reading its memory
            var rss = server.RssMb();
            Console.WriteLine($"idle watchers {pool.Count,6}: server RSS {rss:F0} MB (+{rss - before:F0} MB, {(rss - before) * 1024 / pool.Count:F1} KB per connection), opened in {clock.Elapsed.TotalSeconds:F0} s");
        }

        pool.Reset(1);
        var check = Stopwatch.StartNew();
        await bus.Publish(new AllianceChanged(alliance, "idle.check", "bench"));
        var all = await pool.WaitAllAsync(TimeSpan.FromSeconds(60));
        Console.WriteLine($"  one change to all {pool.Count} idle watchers: {(all ? "all" : $"only {pool.Complete}")} received it in {check.Elapsed.TotalMilliseconds:F0} ms");
    }
}
finally
{
    await bus.StopAsync();
}

return 0;

static async Task RunRateAsync(Func<string, Task> change, WatcherPool pool, int rate, double seconds, string? label, bool quiet = false, ServerProcess? server = null)
{
    var count = (int)(rate * seconds);
    var serverCpu = server?.CpuSeconds() ?? 0;
    var benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    var benchPause = GC.GetTotalPauseDuration();
    var benchGen2 = GC.CollectionCount(2);
    pool.Reset(count);
    var clock = Stopwatch.StartNew();
    var lateStarts = 0;
    var publishes = new List<Task>(count);
    for (var i = 0; i < count; i++)
    {
        var due = TimeSpan.FromSeconds((double)i / rate);
        var wait = due - clock.Elapsed;
        if (wait > TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(wait);
        }
        else if (wait < TimeSpan.FromMilliseconds(-50))
        {
            lateStarts++;
        }

        publishes.Add(change($"rate.{rate}.{i}.{label}")); // not awaited one by one: the rate is the schedule's
    }

    await Task.WhenAll(publishes);
    var sent = clock.Elapsed;
    var complete = await pool.WaitAllAsync(TimeSpan.FromSeconds(Math.Max(30, seconds * 3)));
    var drained = clock.Elapsed;
    if (quiet)
    {
        return;
    }

    var latencies = pool.Latencies();
    latencies.Sort();
    double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
    Console.WriteLine(
        $"{label ?? $"{rate,5} changes/s"} × {pool.Count} watchers: {count} changes sent in {sent.TotalSeconds:F1} s ({count / sent.TotalSeconds:F0}/s achieved), " +
        $"all received after {drained.TotalSeconds:F1} s{(complete ? "" : " (INCOMPLETE)")}; latency p50 {P(0.50):F1} ms, p99 {P(0.99):F1} ms, max {P(1):F1} ms " +
        $"over {latencies.Count} receipts; gaps/out-of-order {pool.OrderViolations}{(lateStarts > 0 ? $"; publisher fell behind for {lateStarts} changes" : "")}");
    if (server is not null)
    {
        Console.WriteLine(
            $"      CPU over {drained.TotalSeconds:F1} s: server {(server.CpuSeconds() - serverCpu) / drained.TotalSeconds:F2} cores, " +
            $"benchmark (watchers) {(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchCpu) / drained.TotalSeconds:F2} cores; " +
            $"benchmark GC pauses {(GC.GetTotalPauseDuration() - benchPause).TotalMilliseconds:F0} ms ({GC.CollectionCount(2) - benchGen2} gen2); load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    }
}

static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
    ? v
    : throw new InvalidOperationException($"{name} is not set: source infra/scripts/servers.sh and run servers_start first.");

static Guid IdOf(string key)
{
    // The demo region's deterministic ids (DemoRegion.IdOf): a name-based Guid over "alliance-demo/" + key.
    var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("alliance-demo/" + key));
    return new Guid(bytes.AsSpan(0, 16));
}

static async Task ResetDatabaseAsync(string admin, string database)
{
    await using var connection = new NpgsqlConnection(admin);
    await connection.OpenAsync();
    await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection))
    {
        await drop.ExecuteNonQueryAsync();
    }

    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
    await create.ExecuteNonQueryAsync();
}

static async Task ResetVhostAsync(string api, string amqp, string vhost)
{
    var user = Uri.UnescapeDataString(new Uri(amqp).UserInfo);
    using var http = new HttpClient { BaseAddress = new Uri(api) };
    http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user)));
    using (await http.DeleteAsync($"api/vhosts/{vhost}"))
    {
    }

    using (var put = await http.PutAsync($"api/vhosts/{vhost}", null))
    {
        put.EnsureSuccessStatusCode();
    }

    using var grant = await http.PutAsJsonAsync($"api/permissions/{vhost}/{user.Split(':')[0]}", new { configure = ".*", write = ".*", read = ".*" });
    grant.EnsureSuccessStatusCode();
}

/// <summary>The server under test: the built Alliance.Server.dll (Release) as a child process.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(string postgres, string rabbit, string redis, IReadOnlyDictionary<string, string> environment, string serverDll = "", StatementCounter? statements = null)
    {
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "Alliance.sln")))
        {
            repo = repo.Parent;
        }

        var dll = serverDll is { Length: > 0 } given ? given : Path.Combine(repo!.FullName, "src", "Alliance.Server", "bin", "Release", "net10.0", "Alliance.Server.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build the server first: dotnet build -c Release src/Alliance.Server", dll);
        }

        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("dotnet", [dll]) { WorkingDirectory = Path.GetDirectoryName(dll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Alliance__Database"] = "Postgres";
        start.Environment["Alliance__Postgres"] = postgres;
        start.Environment["Alliance__Bus"] = "RabbitMq";
        start.Environment["Alliance__RabbitMq"] = rabbit;
        start.Environment["Alliance__Jobs"] = "PostgreSql";
        start.Environment["Alliance__Redis"] = redis;
        start.Environment["Alliance__DemoData"] = "true";
        start.Environment["Alliance__Workflows"] = Path.Combine(repo!.FullName, "workflows");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => statements?.Read(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("[server] " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { BaseAddress = server.Address };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {process.ExitCode}");
            }

            try
            {
                using var ready = await http.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        server.Dispose();
        throw new TimeoutException("the server was not ready within 120 s");
    }

    public async Task<string> TokenAsync(string userName, string password)
    {
        using var http = new HttpClient { BaseAddress = Address };
        using var response = await http.PostAsJsonAsync("/api/auth/token", new { userName, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>CPU time (user + system) the server process has used so far, seconds.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The server process's resident memory (VmRSS), MB.</summary>
    public double RssMb()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
            }
        }

        return double.NaN;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}

/// <summary>Watcher connections on one stream; records per-receipt latency, and order per connection.</summary>
internal sealed class WatcherPool(string stream) : IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];
    private readonly List<long> _last = [];
    private readonly object _gate = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _sent = new(StringComparer.Ordinal);
    private double[] _latencies = [];
    private int _count;
    private int[] _received = [];
    private int _expected;
    private int _complete;
    private TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count => _connections.Count;

    public int Complete => Volatile.Read(ref _complete);

    public int OrderViolations { get; private set; }

    public static async Task<WatcherPool> OpenAsync(ServerProcess server, string token, string stream, int count, int parallel)
    {
        var pool = new WatcherPool(stream);
        await pool.GrowAsync(server, token, count, parallel);
        return pool;
    }

    public async Task GrowAsync(ServerProcess server, string token, int total, int parallel)
    {
        using var gate = new SemaphoreSlim(parallel);
        var tasks = new List<Task>();
        for (var i = _connections.Count; i < total; i++)
        {
            await gate.WaitAsync();
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await AddAsync(server, token);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        await Task.WhenAll(tasks);
    }

    private async Task AddAsync(ServerProcess server, string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.Address, "hubs/alliance"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.SkipNegotiation = true;
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            })
            .Build();
        int index;
        lock (_gate)
        {
            index = _connections.Count;
            _connections.Add(connection);
            _last.Add(0);
            Array.Resize(ref _received, _connections.Count);
        }

        connection.On<JsonElement>("AllianceChanged", e => OnReceived(index, e));
        await connection.StartAsync();
        var watch = await connection.InvokeAsync<JsonElement>("Watch", stream);
        if (!watch.GetProperty("watching").GetBoolean())
        {
            throw new InvalidOperationException("watch refused");
        }

        lock (_gate)
        {
            _last[index] = watch.GetProperty("head").GetInt64();
        }
    }

    /// <summary>Notes when the change that will carry <paramref name="name"/> was sent (the REST path).</summary>
    public void Sent(string name) => _sent[name] = DateTimeOffset.UtcNow;

    private void OnReceived(int index, JsonElement e)
    {
        var now = DateTimeOffset.UtcNow;
        var from = _sent.TryGetValue(e.GetProperty("name").GetString() ?? "", out var sent) ? sent : e.GetProperty("at").GetDateTimeOffset();
        var latency = (now - from).TotalMilliseconds;
        var sequence = e.GetProperty("sequence").GetInt64();
        lock (_gate)
        {
            if (_last[index] != 0 && sequence != _last[index] + 1)
            {
                OrderViolations++;
            }

            _last[index] = sequence;
            if (_count < _latencies.Length)
            {
                _latencies[_count++] = latency;
            }
            if (++_received[index] == _expected)
            {
                if (++_complete == _connections.Count)
                {
                    _all.TrySetResult();
                }
            }
        }
    }

    /// <summary>Expect <paramref name="changes"/> more changes on every connection from now on.</summary>
    public void Reset(int changes)
    {
        lock (_gate)
        {
            // One buffer, reused from run to run: a fresh large array per run cost this process gen-2 collections
            // (pauses that land in the measured latencies).
            var capacity = changes * Math.Max(1, _connections.Count);
            if (_latencies.Length < capacity)
            {
                _latencies = new double[capacity];
            }

            _count = 0;
            Array.Clear(_received);
            _expected = changes;
            _complete = 0;
            OrderViolations = 0;
            _all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public async Task<bool> WaitAllAsync(TimeSpan patience)
    {
        Task all;
        lock (_gate)
        {
            all = _all.Task;
        }

        try
        {
            await all.WaitAsync(patience);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public List<double> Latencies()
    {
        lock (_gate)
        {
            return [.. _latencies.AsSpan(0, _count)];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_connections.Select(c => c.DisposeAsync().AsTask()));
    }
}
