using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace Alliance.Live.Benchmarks;

/// <summary>
/// The joint-meeting vote benchmark (issue 17): M member units vote on one decision item within one second while W
/// SignalR watchers follow <c>meeting:{id}</c>.
/// <para>
/// Setup, all through the REST API (as the district administrator, then as the new alliance's chair): a community
/// under street 1 with an alliance (rules <c>decisionsAt: meeting</c>), its chair (社区书记), M units each with an
/// alliance membership and one person acting for it (UnitContact); everyone signs in. Decision items are submitted
/// and accepted at intake by the chair, so they wait for a meeting; one ad hoc meeting takes exactly them on its
/// agenda, is fixed, opened, and every member checks in itself. Each vote is one of those items.
/// </para>
/// <para>
/// A vote: the chair opens it; the M members cast their ballots (each with its own bearer token) either spread evenly
/// over one second (<c>spread</c>) or all at once (<c>burst</c>); every tenth member changes its vote once, right after
/// its first ballot is answered. When every watcher has one tally per ballot, the chair closes the vote.
/// </para>
/// <para>
/// Measures (written down in docs/benchmarks.md as well):
/// <list type="bullet">
/// <item>ballots/s: ballots sent / (last answer − first request start); HTTP answer latency p50/p99 over all of them.</item>
/// <item>first ballots, start → tally: the commit order of the ballots is the order of their audit entries (each
/// ballot writes one in the meeting's transaction, under the meeting's lock; read through <c>GET /api/audit</c>
/// after the vote). For the k-th first ballot (a member's first, which raises the cast count) and each watcher: the
/// receipt of the first <c>VoteTally</c> whose cast (for + against + abstain) is ≥ k, minus the moment the benchmark
/// started that ballot's request. Counts are recounted from the stored ballots in each ballot's own transaction, so an
/// event with cast ≥ k committed after the k-th first ballot and includes it; the first such event is the earliest the
/// watcher can see it. p50/p99 over all (ballot, watcher) pairs.</item>
/// <item>all ballots, start → tally (with the changes): on each watcher the n-th tally of the vote is checked to
/// carry exactly the counts after the n-th committed ballot (replayed from the audit order); where that holds on
/// every watcher, the n-th event is the first to include the n-th ballot, and receipt − request start is its latency.</item>
/// <item>exactly once: one audit entry and one tally per ballot sent, no gaps or repeats in any watcher's stream
/// sequence, the meeting's counts after the close equal the members' last choices and add up to M, and the last tally
/// every watcher got (the close) equals them.</item>
/// </list>
/// </para>
/// <para>
/// Baselines in the same run, before each measured vote and with the same schedule (M requests plus the changes):
/// <c>raw SQL</c>, one PostgreSQL transaction per ballot of the same shape at its least (transaction-scoped advisory
/// lock on the vote, upsert of the ballot row, recount of the vote's rows) in a table of the benchmark's database;
/// and <c>GET meeting</c>, each member reading <c>GET /api/meetings/{id}</c> (the view a ballot answers with, the same
/// authentication and scope, no lock, no write).
/// </para>
/// </summary>
internal static class VoteBenchmark
{
    private const string Password = "Bench#Vote2026";

    private static readonly string[] Choices = ["for", "against", "abstain"];

    public static async Task RunAsync(ServerProcess server, string adminToken, string postgres, Func<string, string, string> arg)
    {
        var members = int.Parse(arg("members", "200"), CultureInfo.InvariantCulture);
        var watchers = int.Parse(arg("watchers", "20"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(arg("rounds", "1"), CultureInfo.InvariantCulture);
        var warmups = int.Parse(arg("warmups", "2"), CultureInfo.InvariantCulture); // votes before the measured ones: JIT (tiered PGO), pools
        var schedules = arg("schedules", "spread,burst").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var rawBaseline = arg("baseline", "on") != "off";
        var perf = arg("perf", ""); // a perf.data file: the server sampled with call graphs during the first measured vote
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = members + 32, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = server.Address,
            Timeout = TimeSpan.FromMinutes(2),
        };
        var api = new Api(http);
        Console.WriteLine($"votes: {members} members, {watchers} watchers, schedules {string.Join(",", schedules)} × {rounds} round(s) after {warmups} warm-up vote(s); load average {Load()}");

        // ---- setup through the API
        var clock = Stopwatch.StartNew();
        var stamp = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var street = IdOf("org/street/1");
        var community = (await api.SendAsync(adminToken, HttpMethod.Post, "/api/organisations", new { kind = "Community", name = $"表决压测社区{stamp}", parentId = street })).GetProperty("id").GetGuid();
        var alliance = (await api.SendAsync(adminToken, HttpMethod.Post, "/api/alliances", new
        {
            level = "Community",
            name = $"表决压测社区区域化党建联盟{stamp}",
            hostOrganisationId = community,
            rules = new { decisionsAt = "meeting", meetingSchedule = "0 9 1 7 *" }, // no regular meeting within the lead days: nothing else takes the items
        })).GetProperty("id").GetGuid();
        await api.SendAsync(adminToken, HttpMethod.Post, "/api/people", new
        {
            userName = $"votechair{stamp}", displayName = "压测书记", password = Password, grants = new[] { new { role = "CommunitySecretary", organisationId = community } },
        });
        var since = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        var units = new Guid[members];
        await ParallelAsync(members, 8, async i =>
        {
            units[i] = (await api.SendAsync(adminToken, HttpMethod.Post, "/api/organisations", new
            {
                kind = "Unit", name = $"压测共建单位{i:D4}", parentId = community, unitType = "StateEnterprise", serviceCategories = new[] { "养老" },
            })).GetProperty("id").GetGuid();
            await api.SendAsync(adminToken, HttpMethod.Post, $"/api/alliances/{alliance}/memberships", new { organisationId = units[i], since });
            await api.SendAsync(adminToken, HttpMethod.Post, "/api/people", new
            {
                userName = $"voter{stamp}-{i:D4}", displayName = $"联络员{i:D4}", password = Password, grants = new[] { new { role = "UnitContact", organisationId = units[i] } },
            });
        });
        var created = clock.Elapsed;
        var chair = await server.TokenAsync($"votechair{stamp}", Password);
        var tokens = new string[members];
        await ParallelAsync(members, 8, async i => tokens[i] = await server.TokenAsync($"voter{stamp}-{i:D4}", Password));
        var signedIn = clock.Elapsed;

        var votes = warmups + rounds * schedules.Length;
        var items = new Guid[votes];
        for (var v = 0; v < votes; v++)
        {
            items[v] = (await api.SendAsync(chair, HttpMethod.Post, "/api/items", new
            {
                kind = "decision", title = $"压测表决事项 {v + 1}", description = "基准测试：成员单位同时表决的要事共决事项。", category = "养老",
                allianceId = alliance, scope = "alliance", desiredDate = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30),
            })).GetProperty("id").GetGuid();
            var detail = await api.SendAsync(chair, HttpMethod.Get, $"/api/items/{items[v]}");
            var task = detail.GetProperty("currentSteps").EnumerateArray().First(s => s.GetProperty("step").GetString() == "intake").GetProperty("taskId").GetGuid();
            await api.SendAsync(chair, HttpMethod.Post, $"/api/tasks/{task}/claim", new { });
            await api.SendAsync(chair, HttpMethod.Post, $"/api/tasks/{task}/complete", new { outcome = "accept" });
        }

        foreach (var item in items)
        {
            var waiting = Stopwatch.StartNew();
            while ((await api.SendAsync(chair, HttpMethod.Get, $"/api/items/{item}")).GetProperty("status").GetString() != "awaiting-meeting")
            {
                if (waiting.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"item {item} does not wait for a meeting after 30 s");
                }

                await Task.Delay(100);
            }
        }

        var scheduled = await api.SendAsync(chair, HttpMethod.Post, "/api/meetings", new
        {
            allianceId = alliance, kind = "adHoc", title = "表决压测联席会议",
            startsAt = DateTimeOffset.UtcNow.AddHours(1), endsAt = DateTimeOffset.UtcNow.AddHours(3), location = "压测会议室",
        });
        var meeting = scheduled.GetProperty("id").GetGuid();
        var points = new Guid[votes];
        foreach (var point in scheduled.GetProperty("agenda").EnumerateArray())
        {
            var itemId = point.TryGetProperty("itemId", out var i) && i.ValueKind == JsonValueKind.String ? i.GetGuid() : Guid.Empty;
            var index = Array.IndexOf(items, itemId);
            if (index >= 0)
            {
                points[index] = point.GetProperty("id").GetGuid();
            }
            else if (itemId != Guid.Empty && !point.GetProperty("removed").GetBoolean())
            {
                await api.SendAsync(chair, HttpMethod.Post, $"/api/meetings/{meeting}/agenda/{point.GetProperty("id").GetGuid()}/remove", new { reason = "另行安排" });
            }
        }

        if (points.Contains(Guid.Empty))
        {
            throw new InvalidOperationException("not every benchmark item is on the meeting's agenda");
        }

        await api.SendAsync(chair, HttpMethod.Post, $"/api/meetings/{meeting}/agenda/fix", new { });
        await api.SendAsync(chair, HttpMethod.Post, $"/api/meetings/{meeting}/open", new { });
        await ParallelAsync(members, 8, i => api.SendAsync(tokens[i], HttpMethod.Post, $"/api/meetings/{meeting}/check-in", new { organisationId = units[i] }));
        var ready = clock.Elapsed;
        Console.WriteLine($"setup through the API: community, alliance, chair, {members} units + memberships + people in {created.TotalSeconds:F1} s; " +
            $"{members + 1} sign-ins in {(signedIn - created).TotalSeconds:F1} s; {votes} decision items, meeting scheduled, fixed, opened, {members} check-ins in {(ready - signedIn).TotalSeconds:F1} s");

        await using var pool = await TallyWatchers.OpenAsync(server, [.. Enumerable.Range(0, watchers).Select(w => tokens[w % members])], $"meeting:{meeting:D}");
        await Task.Delay(1000); // the check-ins' events still on their way reach the watchers before the first vote
        if (pool.SequenceViolations is { Count: > 0 } early)
        {
            // An event pushed between joining the stream's group and reading its head arrives at or below the head: the
            // .NET helper (LiveClient) drops it; reported, not counted against the votes.
            Console.WriteLine($"  while the watchers started: {string.Join("; ", early.Take(5))}");
        }

        await using var raw = rawBaseline ? await RawBallots.CreateAsync(postgres) : null;
        var unitIndex = units.Select((unit, i) => (unit, i)).ToDictionary(p => p.unit, p => p.i);
        var plan = Enumerable.Range(0, members).Select(i => (First: Choices[(i % 5) switch { 0 or 1 or 2 => 0, 3 => 1, _ => 2 }], Change: i % 10 == 7)).ToArray();

        for (var v = 0; v < votes; v++)
        {
            var warmup = v < warmups;
            var schedule = warmup ? schedules[v % schedules.Length] : schedules[(v - warmups) % schedules.Length];
            var label = warmup ? $"warm-up vote {v + 1} ({schedule}, not measured)" : $"vote {v - warmups + 1} ({schedule})";
            var spread = schedule == "spread";
            if (!warmup)
            {
                if (raw is not null)
                {
                    var rawTimes = await RunScheduleAsync(plan, spread, (i, change) => raw.CastAsync(v, i, change ? Next(plan[i].First) : plan[i].First));
                    Console.WriteLine($"  baseline raw SQL (lock + upsert + recount, one transaction per ballot), {schedule}: {Summary(rawTimes)}");
                }

                var readTimes = await RunScheduleAsync(plan, spread, async (i, _) => await api.SendRawAsync(tokens[i], HttpMethod.Get, $"/api/meetings/{meeting}", null));
                Console.WriteLine($"  baseline GET /api/meetings/{{id}} by each member, {schedule}: {Summary(readTimes)}");
            }

            var auditHead = await api.AuditHeadAsync(adminToken, meeting);
            pool.Begin(points[v]);
            await api.SendAsync(chair, HttpMethod.Post, $"/api/meetings/{meeting}/agenda/{points[v]}/vote/open", new { });
            if (!await pool.WaitAsync(1, TimeSpan.FromSeconds(30)))
            {
                Console.WriteLine($"  {label}: not every watcher had the opening tally after 30 s");
            }

            using var profiler = v == warmups && perf.Length > 0
                ? Process.Start(new ProcessStartInfo("perf", ["record", "-F", "999", "-g", "-p", server.Pid.ToString(CultureInfo.InvariantCulture), "-o", perf, "--", "sleep", "3"]) { RedirectStandardError = true })
                : null;
            if (profiler is not null)
            {
                await Task.Delay(300); // perf attaches
            }

            var serverCpu = server.CpuSeconds();
            var benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            var sent = new List<Sent>();
            var cast = await RunScheduleAsync(plan, spread, async (i, change) =>
            {
                var choice = change ? Next(plan[i].First) : plan[i].First;
                var start = Stopwatch.GetTimestamp();
                var status = await api.SendRawAsync(tokens[i], HttpMethod.Post, $"/api/meetings/{meeting}/agenda/{points[v]}/ballots", new { choice, organisationId = units[i] });
                lock (sent)
                {
                    sent.Add(new Sent(i, choice, change, start, Stopwatch.GetTimestamp(), status));
                }

                return status;
            });
            var answered = sent.Count(s => s.Status is >= 200 and <= 299);
            var complete = await pool.WaitAsync(1 + answered, TimeSpan.FromSeconds(60));
            serverCpu = server.CpuSeconds() - serverCpu;
            benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchCpu;
            if (profiler is not null)
            {
                await profiler.WaitForExitAsync();
                Console.WriteLine($"  perf: the server sampled for 3 s from just before the ballots into {perf} (exit {profiler.ExitCode}; this vote's figures include its cost)");
            }

            await api.SendAsync(chair, HttpMethod.Post, $"/api/meetings/{meeting}/agenda/{points[v]}/vote/close", new { resolution = "压测表决" });
            var final = (await api.SendAsync(chair, HttpMethod.Get, $"/api/meetings/{meeting}")).GetProperty("agenda").EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == points[v]);
            var closeArrived = await pool.WaitAsync(2 + answered, TimeSpan.FromSeconds(30));
            var order = await api.BallotOrderAsync(adminToken, meeting, auditHead);
            Report(label, members, pool, unitIndex, sent, cast, order, final, complete && closeArrived, serverCpu, benchCpu);
            if (raw is not null && await raw.OutboxInversionsAsync($"meeting:{meeting:D}", points[v]) is { } inversions)
            {
                Console.WriteLine($"  {label}: the stream log holds {inversions.Tallies} tallies of the vote; {inversions.Inversions} numbered before a tally the host outbox wrote earlier (outbox order: created, position)");
            }
        }
    }

    private static void Report(
        string label, int members, TallyWatchers pool, Dictionary<Guid, int> unitIndex, List<Sent> sent, List<double> answers, List<(Guid Unit, string Choice, DateTimeOffset At)> order, JsonElement final, bool complete,
        double serverCpu, double benchCpu)
    {
        var failed = sent.Count(s => s.Status is < 200 or > 299);
        var first = sent.Min(s => s.Start);
        var last = sent.Max(s => s.End);
        var window = Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        Console.WriteLine($"  {label}: {sent.Count} ballots ({sent.Count(s => !s.Change)} first + {sent.Count(s => s.Change)} changes) in {window:F2} s = {sent.Count / window:F0} ballots/s; " +
            $"HTTP answer {Summary(answers)}{(failed > 0 ? $"; {failed} FAILED" : "")}");

        // The commit order (audit entries, oldest first) mapped to the requests: a member's n-th entry is its n-th request.
        var byMember = sent.Where(s => s.Status is >= 200 and <= 299).GroupBy(s => s.Member).ToDictionary(g => g.Key, g => new Queue<Sent>(g.OrderBy(s => s.Change)));
        var committed = new List<Sent>();
        var mismatched = 0;
        foreach (var (unit, choice, _) in order)
        {
            if (unitIndex.TryGetValue(unit, out var member) && byMember.TryGetValue(member, out var queue) && queue.TryDequeue(out var request) && string.Equals(request.Choice, choice, StringComparison.OrdinalIgnoreCase))
            {
                committed.Add(request);
            }
            else
            {
                mismatched++;
            }
        }

        // Replay: the counts after each committed ballot, and the rank of each first ballot.
        var state = new Dictionary<int, string>();
        var replay = new List<(int For, int Against, int Abstain)>();
        var firstRank = new List<(int Rank, Sent Ballot)>();
        foreach (var ballot in committed)
        {
            if (!state.ContainsKey(ballot.Member))
            {
                firstRank.Add((state.Count + 1, ballot));
            }

            state[ballot.Member] = ballot.Choice;
            replay.Add((state.Values.Count(c => c == "for"), state.Values.Count(c => c == "against"), state.Values.Count(c => c == "abstain")));
        }

        var firstLatencies = new List<double>();
        var allLatencies = new List<double>();
        var orderViolations = 0;
        var setMismatches = 0;
        var castRegressions = 0;
        var countMismatches = 0;
        var lastMismatches = 0;
        var gFor = final.GetProperty("for").GetInt32();
        var gAgainst = final.GetProperty("against").GetInt32();
        var gAbstain = final.GetProperty("abstain").GetInt32();
        foreach (var events in pool.Received())
        {
            // events[0] is the opening tally, then one per ballot, then the close.
            var ballots = events.Where(e => e.Open).Skip(1).ToList();
            if (ballots.Count != committed.Count)
            {
                countMismatches++;
            }

            for (var n = 0; n < Math.Min(ballots.Count, replay.Count); n++)
            {
                if ((ballots[n].For, ballots[n].Against, ballots[n].Abstain) != replay[n])
                {
                    orderViolations++;
                }

                if (n > 0 && ballots[n].Cast < ballots.Take(n).Max(e => e.Cast))
                {
                    castRegressions++;
                }
            }

            // Exactly once, whatever the order: the tallies received are the states after each committed ballot, each once.
            if (!ballots.Select(e => (e.For, e.Against, e.Abstain)).Order().SequenceEqual(replay.Order()))
            {
                setMismatches++;
            }

            foreach (var (rank, ballot) in firstRank)
            {
                if (ballots.FirstOrDefault(e => e.Cast >= rank) is { } seen)
                {
                    firstLatencies.Add(Stopwatch.GetElapsedTime(ballot.Start, seen.Received).TotalMilliseconds);
                }
            }

            for (var n = 0; n < Math.Min(ballots.Count, committed.Count); n++)
            {
                allLatencies.Add(Stopwatch.GetElapsedTime(committed[n].Start, ballots[n].Received).TotalMilliseconds);
            }

            if (events.Count == 0 || events[^1].Open || (events[^1].For, events[^1].Against, events[^1].Abstain) != (gFor, gAgainst, gAbstain))
            {
                lastMismatches++;
            }
        }

        var lastChoices = sent.Where(s => s.Status is >= 200 and <= 299).GroupBy(s => s.Member).Select(g => g.OrderBy(s => s.Change).Last().Choice).ToList();
        var expected = (lastChoices.Count(c => c == "for"), lastChoices.Count(c => c == "against"), lastChoices.Count(c => c == "abstain"));
        var drained = pool.Received().Select(events => events.Where(e => e.Open).Skip(1).Select(e => e.Received).DefaultIfEmpty(first).Max()).Max();
        Console.WriteLine($"  {label}: first ballots, request start → first tally including it, over {pool.Count} watchers: {Summary(firstLatencies)} ({firstLatencies.Count} of {firstRank.Count * pool.Count}); " +
            $"every watcher had every ballot's tally {Stopwatch.GetElapsedTime(first, drained).TotalSeconds:F2} s after the first request");
        Console.WriteLine($"  {label}: all ballots incl. changes, request start → the tally of its commit: " +
            (orderViolations == 0 ? $"{Summary(allLatencies)} ({allLatencies.Count} of {committed.Count * pool.Count})" : "not measured: tallies out of commit order (below)"));
        var once = failed == 0 && mismatched == 0 && committed.Count == sent.Count && countMismatches == 0 && setMismatches == 0 && lastMismatches == 0 && pool.SequenceViolations.Count == 0
            && (gFor, gAgainst, gAbstain) == expected && gFor + gAgainst + gAbstain == members && complete;
        Console.WriteLine($"  {label}: exactly once {(once ? "OK" : "FAILED")}: meeting for/against/abstain {gFor}/{gAgainst}/{gAbstain} (sum {gFor + gAgainst + gAbstain} of {members}), " +
            $"last choices sent {expected.Item1}/{expected.Item2}/{expected.Item3}; audit entries {order.Count} for {sent.Count} ballots ({mismatched} unmatched); " +
            $"watchers with a tally count ≠ ballots {countMismatches}, with tallies ≠ the committed states {setMismatches}, last tally ≠ meeting {lastMismatches}; stream gaps/repeats {pool.SequenceViolations.Count}{(complete ? "" : ", INCOMPLETE after the wait")}");
        Console.WriteLine($"  {label}: order: {orderViolations} of {committed.Count * pool.Count} tallies received not in commit order (audit order), {castRegressions} with a cast below one received before");
        if (pool.SequenceViolations.Count > 0)
        {
            Console.WriteLine($"    {string.Join("; ", pool.SequenceViolations.Take(5))}");
        }
        // Each ballot's audit entry is stamped inside the meeting's transaction, under its lock: while ballots queue for the
        // lock, the gap between consecutive stamps is the time one ballot holds it.
        var gaps = order.Zip(order.Skip(1), (a, b) => (b.At - a.At).TotalMilliseconds).ToList();
        if (order.Count > 1)
        {
            Console.WriteLine($"  {label}: ballot commits (audit stamps, in the meeting's lock) span {(order[^1].At - order[0].At).TotalMilliseconds:F0} ms; gap between consecutive ballots {Summary(gaps)}");
        }

        Console.WriteLine($"  {label}: CPU during the ballots: server {serverCpu:F2} s ({serverCpu * 1000 / Math.Max(1, sent.Count):F1} ms a ballot), benchmark {benchCpu:F2} s; load average {Load()}");
    }

    /// <summary>
    /// Runs <paramref name="act"/> once per member (and once more for a member that changes its vote, right after its
    /// first is answered): spread evenly over one second, or all started at once. Answers each request's latency, ms.
    /// </summary>
    private static async Task<List<double>> RunScheduleAsync((string First, bool Change)[] plan, bool spread, Func<int, bool, Task<int>> act)
    {
        var times = new List<double>();
        async Task One(int i, bool change)
        {
            var start = Stopwatch.GetTimestamp();
            await act(i, change);
            lock (times)
            {
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        async Task Member(int i)
        {
            await One(i, false);
            if (plan[i].Change)
            {
                await One(i, true);
            }
        }

        var clock = Stopwatch.StartNew();
        var running = new List<Task>(plan.Length);
        for (var i = 0; i < plan.Length; i++)
        {
            if (spread)
            {
                var wait = TimeSpan.FromSeconds((double)i / plan.Length) - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait);
                }
            }

            running.Add(Member(i));
        }

        await Task.WhenAll(running);
        times.Sort();
        return times;
    }

    private static string Next(string choice) => Choices[(Array.IndexOf(Choices, choice) + 1) % Choices.Length];

    private static string Summary(List<double> times)
    {
        if (times.Count == 0)
        {
            return "no samples";
        }

        times.Sort();
        double Q(double q) => times[Math.Min(times.Count - 1, (int)(q * times.Count))];
        return $"p50 {Q(0.5):F1} ms, p99 {Q(0.99):F1} ms, max {times[^1]:F1} ms";
    }

    private static async Task ParallelAsync(int count, int parallel, Func<int, Task> act) =>
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, _) => await act(i));

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static Guid IdOf(string key)
    {
        // The demo region's deterministic ids (DemoRegion.IdOf): a name-based Guid over "alliance-demo/" + key.
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("alliance-demo/" + key));
        return new Guid(bytes.AsSpan(0, 16));
    }

    private sealed record Sent(int Member, string Choice, bool Change, long Start, long End, int Status);

    /// <summary>REST calls with a bearer token per request (one connection pool for every member).</summary>
    private sealed class Api(HttpClient http)
    {
        public async Task<JsonElement> SendAsync(string token, HttpMethod method, string path, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Authorization = new("Bearer", token);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
            }

            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }

        /// <summary>The request with its whole answer read; its status code (no exception on a refusal).</summary>
        public async Task<int> SendRawAsync(string token, HttpMethod method, string path, object? body)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Authorization = new("Bearer", token);
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            return (int)response.StatusCode;
        }

        /// <summary>The highest audit entry id of the meeting so far (the vote's ballots come after it).</summary>
        public async Task<long> AuditHeadAsync(string admin, Guid meeting)
        {
            var page = await SendAsync(admin, HttpMethod.Get, $"/api/audit?entityId={meeting}&take=500", null);
            return page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).DefaultIfEmpty(0).Max();
        }

        /// <summary>
        /// The ballots of the meeting after <paramref name="after"/> in commit order: their audit entries by insertion
        /// id, once every entry is sealed (so the pages, newest first by chain sequence, do not shift while read).
        /// </summary>
        public async Task<List<(Guid Unit, string Choice, DateTimeOffset At)>> BallotOrderAsync(string admin, Guid meeting, long after)
        {
            var waiting = Stopwatch.StartNew();
            while ((await SendAsync(admin, HttpMethod.Get, "/api/audit/verify", null)).TryGetProperty("unsealed", out var unsealed) && unsealed.GetInt64() > 0 && waiting.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200);
            }

            var entries = new Dictionary<long, JsonElement>();
            string? before = null;
            while (true)
            {
                var page = await SendAsync(admin, HttpMethod.Get, $"/api/audit?entityId={meeting}&take=500{before}", null);
                var older = false;
                foreach (var entry in page.GetProperty("entries").EnumerateArray())
                {
                    var id = entry.GetProperty("id").GetInt64();
                    if (id > after)
                    {
                        entries[id] = entry;
                        older = true;
                    }
                }

                if (!older || !page.GetProperty("hasMore").GetBoolean())
                {
                    break;
                }

                before = $"&before={page.GetProperty("nextBefore").GetInt64()}";
            }

            return [.. entries.OrderBy(e => e.Key).Select(e => e.Value).Where(e => e.GetProperty("action").GetString() == "meeting.ballot-cast").Select(e =>
            {
                var summary = JsonDocument.Parse(e.GetProperty("after").GetString()!).RootElement;
                return (summary.GetProperty("organisationId").GetGuid(), summary.GetProperty("choice").ToString().ToLowerInvariant(), e.GetProperty("at").GetDateTimeOffset());
            })];
        }
    }
}

/// <summary>
/// W SignalR connections watching one meeting stream. Each records every <c>VoteTally</c> of the current vote with its
/// receipt time (<see cref="Stopwatch.GetTimestamp"/>), and checks that the stream's sequence numbers (over every event
/// kind) arrive without gaps or repeats.
/// </summary>
internal sealed class TallyWatchers : IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];
    private readonly List<Watcher> _watchers = [];
    private readonly object _gate = new();
    private Guid _vote;
    private readonly List<string> _violations = [];

    public int Count => _watchers.Count;

    /// <summary>Gaps and repeats of the stream's sequence on any watcher since the last <see cref="Begin"/>, each described.</summary>
    public IReadOnlyList<string> SequenceViolations
    {
        get
        {
            lock (_violations)
            {
                return [.. _violations];
            }
        }
    }

    public static async Task<TallyWatchers> OpenAsync(ServerProcess server, IReadOnlyList<string> tokens, string stream)
    {
        var pool = new TallyWatchers();
        foreach (var token in tokens)
        {
            var watcher = new Watcher();
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(server.Address, "hubs/alliance"), o =>
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                    o.SkipNegotiation = true;
                    o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                })
                .Build();
            watcher.Index = pool._watchers.Count;
            connection.On<JsonElement>("VoteTally", e => pool.OnTally(watcher, e));
            connection.On<JsonElement>("MeetingChanged", e => pool.OnSequence(watcher, e.GetProperty("sequence").GetInt64(), e.GetProperty("change").GetString()));
            await connection.StartAsync();
            var watch = await connection.InvokeAsync<JsonElement>("Watch", stream);
            if (!watch.GetProperty("watching").GetBoolean())
            {
                throw new InvalidOperationException("watch refused");
            }

            lock (watcher)
            {
                watcher.Last = watch.GetProperty("head").GetInt64();
            }

            pool._connections.Add(connection);
            pool._watchers.Add(watcher);
        }

        return pool;
    }

    /// <summary>From now on, record the tallies of <paramref name="vote"/> (forgetting the previous vote's).</summary>
    public void Begin(Guid vote)
    {
        lock (_violations)
        {
            _violations.Clear();
        }

        foreach (var watcher in _watchers)
        {
            lock (watcher)
            {
                watcher.Tallies.Clear();
            }
        }

        lock (_gate)
        {
            _vote = vote;
        }
    }

    /// <summary>Waits until every watcher has at least <paramref name="tallies"/> tallies of the current vote.</summary>
    public async Task<bool> WaitAsync(int tallies, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (_watchers.Any(w => { lock (w) { return w.Tallies.Count < tallies; } }))
        {
            if (clock.Elapsed > patience)
            {
                return false;
            }

            await Task.Delay(5);
        }

        return true;
    }

    /// <summary>Each watcher's tallies of the current vote, in the order received.</summary>
    public List<List<Tally>> Received() => [.. _watchers.Select(w => { lock (w) { return w.Tallies.ToList(); } })];

    private void OnTally(Watcher watcher, JsonElement e)
    {
        var received = Stopwatch.GetTimestamp();
        OnSequence(watcher, e.GetProperty("sequence").GetInt64(), "VoteTally");
        lock (_gate)
        {
            if (e.GetProperty("voteId").GetGuid() != _vote)
            {
                return;
            }
        }

        var tally = new Tally(e.GetProperty("for").GetInt32(), e.GetProperty("against").GetInt32(), e.GetProperty("abstain").GetInt32(), e.GetProperty("cast").GetInt32(),
            e.GetProperty("open").GetBoolean(), received);
        lock (watcher)
        {
            watcher.Tallies.Add(tally);
        }
    }

    private void OnSequence(Watcher watcher, long sequence, string? what)
    {
        lock (watcher)
        {
            if (sequence != watcher.Last + 1)
            {
                lock (_violations)
                {
                    _violations.Add($"watcher {watcher.Index}: #{sequence} ({what}) after #{watcher.Last}");
                }
            }

            watcher.Last = Math.Max(watcher.Last, sequence);
        }
    }

    public async ValueTask DisposeAsync() => await Task.WhenAll(_connections.Select(c => c.DisposeAsync().AsTask()));

    internal sealed record Tally(int For, int Against, int Abstain, int Cast, bool Open, long Received);

    private sealed class Watcher
    {
        public List<Tally> Tallies { get; } = [];

        public long Last { get; set; }

        public int Index { get; set; }
    }
}

/// <summary>
/// The raw baseline: one PostgreSQL transaction per ballot with the least a counted ballot needs, straight through
/// Npgsql (lock the vote, upsert the member's ballot, recount the vote), in a table of the benchmark's database.
/// </summary>
internal sealed class RawBallots : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;

    private RawBallots(NpgsqlDataSource source) => _source = source;

    public static async Task<RawBallots> CreateAsync(string postgres)
    {
        var source = NpgsqlDataSource.Create(postgres);
        await using var command = source.CreateCommand(
            "CREATE TABLE IF NOT EXISTS bench_vote_ballots (vote integer NOT NULL, member integer NOT NULL, choice text NOT NULL, cast_utc timestamptz NOT NULL, PRIMARY KEY (vote, member))");
        await command.ExecuteNonQueryAsync();
        return new RawBallots(source);
    }

    public async Task<int> CastAsync(int vote, int member, string choice)
    {
        await using var connection = await _source.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)") { Parameters = { new() { Value = 0x766f7465L + vote } } },
                new NpgsqlBatchCommand("INSERT INTO bench_vote_ballots (vote, member, choice, cast_utc) VALUES ($1, $2, $3, now()) ON CONFLICT (vote, member) DO UPDATE SET choice = excluded.choice, cast_utc = excluded.cast_utc")
                {
                    Parameters = { new() { Value = vote }, new() { Value = member }, new() { Value = choice } },
                },
                new NpgsqlBatchCommand("SELECT count(*) FILTER (WHERE choice = 'for'), count(*) FILTER (WHERE choice = 'against'), count(*) FILTER (WHERE choice = 'abstain') FROM bench_vote_ballots WHERE vote = $1")
                {
                    Parameters = { new() { Value = vote } },
                },
            },
        };
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            do
            {
                while (await reader.ReadAsync())
                {
                }
            }
            while (await reader.NextResultAsync());
        }

        await transaction.CommitAsync();
        return 200;
    }

    /// <summary>
    /// Where tallies lose the commit order, if they do: the vote's tallies in the stream log (by sequence) against the
    /// host outbox rows they came from (the order the dispatcher publishes: created, then position). Null when the
    /// server does not keep its data in this database (the embedded defaults).
    /// </summary>
    public async Task<(int Tallies, int Inversions)?> OutboxInversionsAsync(string stream, Guid vote)
    {
        try
        {
            await using var command = _source.CreateCommand(
                "SELECT o.\"CreatedUtc\", o.\"Position\" FROM stream_events s JOIN outbox_messages o ON o.\"Id\" = s.source_event_id " +
                "WHERE s.stream = $1 AND s.kind = 'VoteTally' AND s.data::jsonb ->> 'voteId' = $2 ORDER BY s.sequence");
            command.Parameters.Add(new() { Value = stream });
            command.Parameters.Add(new() { Value = vote.ToString("D") });
            var rows = new List<(DateTime Created, long Position)>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetDateTime(0), reader.GetInt64(1)));
            }

            var inversions = 0;
            var latest = (DateTime.MinValue, long.MinValue);
            foreach (var row in rows)
            {
                if (row.CompareTo(latest) < 0)
                {
                    inversions++;
                }
                else
                {
                    latest = row;
                }
            }

            return (rows.Count, inversions);
        }
        catch (PostgresException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync() => await _source.DisposeAsync();
}
