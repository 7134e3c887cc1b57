using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Alliance.Server.Tests.Live;

/// <summary>A fact that runs only in the real-server pass (skipped, and reported as skipped, in the embedded pass).</summary>
public sealed class ServersFactAttribute : FactAttribute
{
    public ServersFactAttribute()
    {
        if (!TestProfile.UsesServers)
        {
            Skip = "Needs two server processes on shared PostgreSQL, RabbitMQ and Redis: runs in the servers pass (ALLIANCE_TEST_PROFILE=servers, ./test.sh).";
        }
    }
}

/// <summary>
/// Two real server processes (the built Alliance.Server.dll) on 127.0.0.1, sharing one sandbox's PostgreSQL
/// database, RabbitMQ virtual host and Redis prefix.
/// </summary>
public sealed class Two_nodes(ITestOutputHelper output) : IAsyncLifetime
{
    private ServerSandbox? _sandbox;
    private Node? _a;
    private Node? _b;

    public async Task InitializeAsync()
    {
        if (!TestProfile.UsesServers)
        {
            return;
        }

        _sandbox = await ServerSandbox.CreateAsync();
        _a = await Node.StartAsync("a", _sandbox); // one after the other: the first applies the migrations
        _b = await Node.StartAsync("b", _sandbox);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { _a, _b })
        {
            node?.Dispose();
        }

        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }

    [ServersFact]
    public async Task A_client_on_node_a_sees_a_change_made_through_node_b_once_and_in_order()
    {
        var alliance = DemoRegion.StreetAlliance(1).Value;
        var stream = $"alliance:{alliance:D}";
        await using var watcherOnA = await _a!.ConnectAsync(await _a.TokenAsync(DemoUsers.UnitContact));
        var onA = Received.On(watcherOnA);
        var head = (await LiveTestKit.WatchAsync(watcherOnA, stream)).Head;
        await using var watcherOnB = await _b!.ConnectAsync(await _b.TokenAsync(DemoUsers.StreetStaff));
        var onB = Received.On(watcherOnB);
        Assert.True((await LiveTestKit.WatchAsync(watcherOnB, stream)).Watching);

        using var chairOnA = _a.Client(await _a.TokenAsync(DemoUsers.StreetChair));
        using var chairOnB = _b.Client(await _b.TokenAsync(DemoUsers.StreetChair));

        // Warm-up: the first request through each node compiles its code paths (the cold first change takes about
        // 2 s on this machine); it must still arrive on both nodes, numbered on from the same head.
        await RenameAsync(chairOnB, alliance, "东湖街道大党工委（预热 B）");
        await RenameAsync(chairOnA, alliance, "东湖街道大党工委（预热 A）");
        Assert.Equal([head + 1, head + 2], (await onA.WaitForAsync(2, TimeSpan.FromSeconds(15))).Select(e => e.Sequence));
        Assert.Equal([head + 1, head + 2], (await onB.WaitForAsync(2, TimeSpan.FromSeconds(15))).Select(e => e.Sequence));

        // How long it took is written to the test's output, not asserted: a timed assertion fails on a loaded machine
        // (CI saw 1 s missed once in the real-server pass). bench/Alliance.Live.Benchmarks measures the latency.
        var clock = Stopwatch.StartNew();
        await RenameAsync(chairOnB, alliance, "东湖街道大党工委（经 B 节点）");
        var seenOnA = (await onA.WaitForAsync(3, TimeSpan.FromSeconds(15)))[2];
        var elapsed = clock.Elapsed;
        Assert.Equal(head + 3, seenOnA.Sequence);
        Assert.Equal("东湖街道大党工委（经 B 节点）", seenOnA.Name);
        output.WriteLine($"node B → node A: {elapsed.TotalMilliseconds:F0} ms from the request to the push");

        // Each connection got each change exactly once (one node consumed it; the backplane carried it).
        Assert.Equal([head + 1, head + 2, head + 3], (await onB.WaitForAsync(3, TimeSpan.FromSeconds(15))).Select(e => e.Sequence));
        await LiveTestKit.WatchAsync(watcherOnA, stream); // a round trip after the pushes
        Assert.Equal([head + 1, head + 2, head + 3], onA.Events.Select(e => e.Sequence));
    }

    [ServersFact]
    public async Task A_ballot_cast_through_node_a_shows_in_the_meeting_tally_of_a_watcher_on_node_b()
    {
        var alliance = DemoRegion.StreetAlliance(1).Value;
        using var admin = _a!.Client(await _a.TokenAsync(DemoUsers.DistrictAdmin));
        var rules = (await admin.GetFromJsonAsync<JsonObject>($"/api/alliances/{alliance}/rules"))!;
        rules["decisionsAt"] = "meeting";
        (await admin.PutAsJsonAsync($"/api/alliances/{alliance}/rules", rules)).EnsureSuccessStatusCode();

        // a decision item of the street alliance, accepted at intake: it waits for the meeting
        using var chair = _a.Client(await _a.TokenAsync(DemoUsers.StreetChair));
        var item = await ReadAsync(await chair.PostAsJsonAsync("/api/items", new
        {
            kind = "decision", title = "街道共建资金使用方案", description = "东湖街道大党工委共建资金年度使用方案。", category = "经费使用",
            allianceId = alliance, scope = "alliance", desiredDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)),
        }));
        var itemId = item["id"]!.GetValue<Guid>();
        // the intake step opens in the route's first commit; the inbox is read again for a while in case the node lags (CI saw none at once)
        JsonObject? intake = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); intake is null && DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            intake = (await chair.GetFromJsonAsync<JsonArray>("/api/tasks"))!.OfType<JsonObject>()
                .SingleOrDefault(t => t["itemId"]!.GetValue<Guid>() == itemId && t["step"]!.GetValue<string>() == "intake");
        }

        if (intake is null)
        {
            // CI (servers pass, whole suite) once saw no intake in the chair's inbox for 30 s; say what the item was then.
            using var detail = await chair.GetAsync($"/api/items/{itemId}");
            Assert.Fail($"No intake task in the chair's inbox after 30 s. The item on node A: {(int)detail.StatusCode} " +
                $"{await detail.Content.ReadAsStringAsync()}\nNode A's log, last lines:\n{_a.Tail(60)}\nNode B's:\n{_b!.Tail(60)}");
        }

        await ReadAsync(await chair.PostAsJsonAsync($"/api/tasks/{intake["id"]}/complete", new { outcome = "accept" }));

        var meeting = await ReadAsync(await chair.PostAsJsonAsync("/api/meetings", new
        {
            allianceId = alliance, kind = "adHoc", title = "东湖街道大党工委临时会议",
            startsAt = DateTimeOffset.UtcNow.AddHours(1), endsAt = DateTimeOffset.UtcNow.AddHours(2),
        }));
        var id = meeting["id"]!.GetValue<Guid>();
        foreach (var other in meeting["agenda"]!.AsArray().OfType<JsonObject>().Where(p => p["itemId"] is { } i && i.GetValue<Guid>() != itemId))
        {
            await ReadAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/agenda/{other["id"]}/remove", new { reason = "另行安排" }));
        }

        await ReadAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/agenda/fix", new { }));
        meeting = await ReadAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/open", new { }));
        foreach (var member in meeting["attendance"]!.AsArray().OfType<JsonObject>())
        {
            meeting = await ReadAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/check-in", new { organisationId = member["organisationId"] }));
        }

        var point = meeting["agenda"]!.AsArray().OfType<JsonObject>().Single(p => p["itemId"]?.GetValue<Guid>() == itemId)["id"]!.GetValue<Guid>();
        await ReadAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/agenda/{point}/vote/open", new { }));

        await using var watcherOnB = await _b!.ConnectAsync(await _b.TokenAsync(DemoUsers.StreetStaff));
        var tallies = Received.On<VoteTallyEvent>(watcherOnB, nameof(IAllianceClient.VoteTally));
        Assert.True((await LiveTestKit.WatchAsync(watcherOnB, $"meeting:{id:D}")).Watching);

        using var memberOnA = _a.Client(await _a.TokenAsync("huanglijuan"));
        var clock = Stopwatch.StartNew();
        await ReadAsync(await memberOnA.PostAsJsonAsync($"/api/meetings/{id}/agenda/{point}/ballots", new { choice = "for", organisationId = DemoRegion.Unit(2).Value }));
        var arrived = await tallies.WaitForAsync(1, TimeSpan.FromSeconds(10));
        var seen = arrived.Count > 0 ? arrived[0] : null;
        output.WriteLine($"ballot through node A → tally on node B: {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.NotNull(seen);
        Assert.Equal((point, 1, 0, 0, true), (seen.VoteId, seen.For, seen.Against, seen.Abstain, seen.Open));
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
            return JsonNode.Parse(text)!.AsObject();
        }
    }

    private static async Task RenameAsync(HttpClient chair, Guid alliance, string name)
    {
        using var renamed = await chair.PutAsJsonAsync($"/api/alliances/{alliance}", new { name });
        renamed.EnsureSuccessStatusCode();
    }

    private sealed class Node : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private Node(Process process, Uri address)
        {
            _process = process;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<Node> StartAsync(string name, ServerSandbox sandbox)
        {
            var (serverDll, repo) = Locate();
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet", [serverDll])
            {
                WorkingDirectory = Path.GetDirectoryName(serverDll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["Alliance__Database"] = "Postgres";
            start.Environment["Alliance__Postgres"] = sandbox.PostgresConnection;
            start.Environment["Alliance__Bus"] = "RabbitMq";
            start.Environment["Alliance__RabbitMq"] = sandbox.RabbitMqUri;
            start.Environment["Alliance__Jobs"] = "PostgreSql";
            start.Environment["Alliance__Redis"] = sandbox.RedisConfiguration;
            start.Environment["Alliance__DemoData"] = "true";
            start.Environment["Alliance__Workflows"] = Path.Combine(repo, "workflows");
            var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
            var node = new Node(process, new Uri($"http://127.0.0.1:{port}/"));
            process.OutputDataReceived += (_, e) => node.Log(e.Data);
            process.ErrorDataReceived += (_, e) => node.Log(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            using var http = new HttpClient { BaseAddress = node.Address };
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"node {name} exited with {process.ExitCode}:\n{node.Output}");
                }

                try
                {
                    using var ready = await http.GetAsync("/health/ready");
                    if (ready.StatusCode == HttpStatusCode.OK)
                    {
                        return node;
                    }
                }
                catch (HttpRequestException)
                {
                }

                if (deadline.Elapsed > TimeSpan.FromSeconds(120))
                {
                    node.Dispose();
                    throw new TimeoutException($"node {name} was not ready within 120 s:\n{node.Output}");
                }

                await Task.Delay(250);
            }
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public HttpClient Client(string token)
        {
            var client = new HttpClient { BaseAddress = Address };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        public async Task<string> TokenAsync(string userName)
        {
            using var http = new HttpClient { BaseAddress = Address };
            using var response = await http.PostAsJsonAsync("/api/auth/token", new { userName, password = DemoUsers.Password });
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
        }

        public async Task<HubConnection> ConnectAsync(string token)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(Address, AllianceHub.Path.TrimStart('/')), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            await connection.StartAsync();
            return connection;
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

        /// <summary>The last lines the node wrote (stdout and stderr).</summary>
        public string Tail(int lines)
        {
            lock (_output)
            {
                return string.Join('\n', _output.ToString().Split('\n').TakeLast(lines));
            }
        }

        private void Log(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }
        }

        private static (string ServerDll, string Repo) Locate()
        {
            // tests/Alliance.Server.Tests/bin/<Configuration>/net10.0/ → src/Alliance.Server/bin/<Configuration>/net10.0/
            var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = bin.Parent!.Name;
            var repo = bin;
            while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "Alliance.sln")))
            {
                repo = repo.Parent;
            }

            var dll = Path.Combine(repo!.FullName, "src", "Alliance.Server", "bin", configuration, bin.Name, "Alliance.Server.dll");
            return File.Exists(dll) ? (dll, repo.FullName) : throw new FileNotFoundException("Build the server first", dll);
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private sealed record TokenResponse(string TokenType, string AccessToken, long ExpiresIn, string RefreshToken);
    }
}
