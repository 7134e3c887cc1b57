// Web UI benchmark (issue 16, "Measured"): the real server (the Release Alliance.Server.dll as a child process) on the
// embedded defaults (SQLite file in a temporary folder, in-memory bus and jobs, no Redis) with its demo data.
//
//   render   : first render of the unit contact's inbox (GET /tasks as linxiaodong) and the street chair's board
//              (GET /board as lihongmei), signed in through the sign-in form (cookie, antiforgery token): time until the
//              whole HTML response is read (p50/p99 of --requests after --warmup), bytes (as sent, and gzip/br if the
//              server compresses). First with --board joint tasks submitted, then again with --tasks in all.
//   sessions : memory per signed-in interactive session: headless Chromium (Playwright) opens --sessions pages (cumulative
//              steps, e.g. 50,100,200) of --page as --user in --contexts browser contexts; each page counts once its
//              circuit runs (the live-state badge says it follows). The server's VmRSS/RssAnon before and at each step.
//   latency  : one page of the chair's board open in Chromium; the secretary submits joint tasks through POST /api/items at
//              --rate a second for --seconds; time from sending each request to its card appearing in the page's DOM.
//
// Seeding (every mode): --seed / --board / --tasks joint tasks (实事共办) of 桂花社区's alliance designated to unit 1,
// submitted by the community secretary through the product's REST API (POST /api/items, bearer token), so each opens the
// unit's first task in the contact's inbox and is a card on the chair's board, exactly as in use.
//
// Usage (from the repository root; the server runs from its publish folder, which has the static web assets):
//   dotnet publish src/Alliance.Server -c Release && dotnet build bench/Alliance.Ui.Benchmarks -c Release
//   B=bench/Alliance.Ui.Benchmarks/bin/Release/net10.0/Alliance.Ui.Benchmarks.dll
//   dotnet $B render --board 500 --tasks 1000 --requests 30 --warmup 5
//   dotnet $B sessions --seed 0 --page /tasks --user linxiaodong --sessions 50,100,200 --contexts 4
//   dotnet $B latency --seed 500 --rate 20 --seconds 15
//   [--server-env K=V,K2=V2] extra environment for the server (e.g. DOTNET_gcServer=0)
//   [--server-dll PATH] another Alliance.Server.dll (default src/Alliance.Server/bin/Release/net10.0/publish/)
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Alliance.Server.Features.Demo;
using Microsoft.Playwright;

namespace Alliance.Ui.Benchmarks;

internal static partial class UiBenchmark
{
    private static string[] _args = [];

    public static async Task<int> Main(string[] args)
    {
        _args = args;
        var mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "render";
        var environment = Arg("server-env", "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load {Load()}");
        var folder = Directory.CreateTempSubdirectory("alliance-uibench-");
        try
        {
            using var server = await ServerProcess.StartAsync(folder.FullName, environment, Arg("server-dll", ""));
            Console.WriteLine($"server: pid {server.Pid} at {server.Address}, database {folder.FullName}/alliance.db, RSS {server.Rss().Rss:F0} MB after start");
            switch (mode)
            {
                case "render":
                    await RenderAsync(server);
                    break;
                case "sessions":
                    await SessionsAsync(server);
                    break;
                case "latency":
                    await LatencyAsync(server);
                    break;
                default:
                    Console.Error.WriteLine($"unknown mode {mode}: render, sessions or latency");
                    return 2;
            }
        }
        finally
        {
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }

        return 0;
    }

    private static string Arg(string name, string fallback)
    {
        var i = Array.IndexOf(_args, "--" + name);
        return i >= 0 && i + 1 < _args.Length ? _args[i + 1] : fallback;
    }

    private static int IntArg(string name, int fallback) => int.Parse(Arg(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    // ---------------------------------------------------------------- render

    private static async Task RenderAsync(ServerProcess server)
    {
        var requests = IntArg("requests", 30);
        var warmup = IntArg("warmup", 5);
        var boardTarget = IntArg("board", 500);
        var tasksTarget = IntArg("tasks", 1000);
        using var contact = await SignedInClient.SignInAsync(server.Address, DemoUsers.UnitContact);
        using var chair = await SignedInClient.SignInAsync(server.Address, DemoUsers.StreetChair);
        var before = await InboxCountAsync(server, contact);
        Console.WriteLine($"demo data: {before} open tasks in {DemoUsers.UnitContact}'s inbox");
        await MeasurePagesAsync(server, contact, chair, requests, warmup, "demo data only");

        var seeded = await SeedAsync(server, 0, boardTarget);
        await WaitForInboxAsync(server, before + seeded);
        await MeasurePagesAsync(server, contact, chair, requests, warmup, $"+{seeded} joint tasks");

        var more = await SeedAsync(server, seeded, tasksTarget - seeded);
        await WaitForInboxAsync(server, before + seeded + more);
        await MeasurePagesAsync(server, contact, chair, requests, warmup, $"+{seeded + more} joint tasks");
    }

    private static async Task MeasurePagesAsync(ServerProcess server, SignedInClient contact, SignedInClient chair, int requests, int warmup, string label)
    {
        Console.WriteLine($"--- {label} (load {Load()}, server RSS {server.Rss().Rss:F0} MB)");
        await MeasurePageAsync(server, contact, "/tasks", "data-testid=\"task\"", requests, warmup);
        await MeasurePageAsync(server, chair, "/board", "data-testid=\"board-card\"", requests, warmup);
    }

    private static async Task MeasurePageAsync(ServerProcess server, SignedInClient client, string path, string cardMarker, int requests, int warmup)
    {
        string html = "";
        for (var i = 0; i < warmup; i++)
        {
            html = await client.GetPageAsync(path);
        }

        var times = new List<double>(requests);
        var cpu = server.CpuSeconds();
        for (var i = 0; i < requests; i++)
        {
            var clock = Stopwatch.StartNew();
            html = await client.GetPageAsync(path);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        var cpuPerRequest = (server.CpuSeconds() - cpu) / requests * 1000;
        var bytes = System.Text.Encoding.UTF8.GetByteCount(html);
        var cards = Regex.Count(html, Regex.Escape(cardMarker));
        var (encoding, wire) = await client.CompressedSizeAsync(path);
        var gzip = new MemoryStream();
        await using (var zip = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
        {
            await zip.WriteAsync(System.Text.Encoding.UTF8.GetBytes(html));
        }

        Console.WriteLine(
            $"  GET {path,-7} as {client.UserName,-12} cards {cards,5}  p50 {Percentile(times, 50),7:F1} ms  p99 {Percentile(times, 99),7:F1} ms  " +
            $"min {times.Min(),7:F1}  max {times.Max(),7:F1} ms  server CPU {cpuPerRequest:F1} ms/request  " +
            $"HTML {bytes / 1024.0:F1} KB ({(encoding is null ? "the server does not compress it" : $"{encoding}: {wire / 1024.0:F1} KB on the wire")}; gzip (fastest) would make it {gzip.Length / 1024.0:F1} KB)");
    }

    // ---------------------------------------------------------------- sessions

    private static async Task SessionsAsync(ServerProcess server)
    {
        var seed = IntArg("seed", 0);
        var page = Arg("page", "/tasks");
        var user = Arg("user", DemoUsers.UnitContact);
        var steps = Arg("sessions", "50,100,200").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var contexts = IntArg("contexts", 4);
        var settle = IntArg("settle", 15);
        if (seed > 0)
        {
            await WaitForInboxAsync(server, await InboxCountAsync(server, null) + await SeedAsync(server, 0, seed));
        }

        // One request of the page first, so the baseline has the page's code paths warmed (JIT, EF Core's compiled models).
        using (var warm = await SignedInClient.SignInAsync(server.Address, user))
        {
            var html = await warm.GetPageAsync(page);
            Console.WriteLine($"{page} as {user}: {System.Text.Encoding.UTF8.GetByteCount(html) / 1024.0:F1} KB of HTML, {Regex.Count(html, "data-testid=\"(task|board-card)\"")} cards");
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"],
        });
        var browserContexts = new List<IBrowserContext>();
        for (var i = 0; i < contexts; i++)
        {
            var context = await browser.NewContextAsync(new() { BaseURL = server.Address.ToString(), Locale = "zh-CN", TimezoneId = "Asia/Shanghai" });
            context.SetDefaultTimeout(120_000);
            var signIn = await context.NewPageAsync();
            await signIn.GotoAsync("/");
            await signIn.FillAsync("#userName", user);
            await signIn.FillAsync("#password", DemoUsers.Password);
            await signIn.ClickAsync("form[data-testid=signin-form] button[type=submit]");
            await signIn.WaitForSelectorAsync("[data-testid=who]:not(:empty)");
            // The landing page is interactive too: go to a static page before closing it, so its circuit ends.
            await signIn.GotoAsync("/health/live");
            await signIn.CloseAsync();
            browserContexts.Add(context);
        }

        var baseCpu = server.CpuSeconds();
        await Task.Delay(TimeSpan.FromSeconds(settle));
        baseCpu = (server.CpuSeconds() - baseCpu) / settle;
        var baseline = server.Rss();
        Console.WriteLine($"signed in {contexts} browser contexts as {user}; load {Load()}");
        Console.WriteLine($"  0 sessions: server VmRSS {baseline.Rss:F0} MB, RssAnon {baseline.Anon:F0} MB; server CPU while idle {baseCpu:F2} cores");
        var pages = new List<IPage>();
        foreach (var target in steps)
        {
            var clock = Stopwatch.StartNew();
            var opening = new List<Task<IPage>>();
            using var gate = new SemaphoreSlim(IntArg("parallel", 4));
            for (var n = pages.Count; n < target; n++)
            {
                var context = browserContexts[n % browserContexts.Count];
                opening.Add(OpenAsync(context, page, gate));
            }

            pages.AddRange(await Task.WhenAll(opening));
            var opened = clock.Elapsed.TotalSeconds;
            // The settle period is also the idle cost: every live page's follower re-reads its streams every 3 s.
            var idleCpu = server.CpuSeconds();
            await Task.Delay(TimeSpan.FromSeconds(settle));
            idleCpu = (server.CpuSeconds() - idleCpu) / settle;
            var now = server.Rss();
            var following = 0;
            foreach (var p in pages)
            {
                following += await p.Locator("[data-testid=live-state][data-following=true]").CountAsync();
            }

            Console.WriteLine(
                $"  {pages.Count} sessions ({following} following live): server VmRSS {now.Rss:F0} MB (+{now.Rss - baseline.Rss:F0}), " +
                $"RssAnon {now.Anon:F0} MB (+{now.Anon - baseline.Anon:F0}); per session {(now.Rss - baseline.Rss) * 1024 / pages.Count:F0} KB RSS, " +
                $"{(now.Anon - baseline.Anon) * 1024 / pages.Count:F0} KB anon; opened in {opened:F1} s; " +
                $"server CPU while idle {idleCpu:F2} cores; load {Load()}");
        }

        var last = server.Rss();
        var perSession = (last.Rss - baseline.Rss) / pages.Count;
        Console.WriteLine(
            $"extrapolated: 2 GB (2048 MB) - {baseline.Rss:F0} MB baseline = {2048 - baseline.Rss:F0} MB for sessions, " +
            $"at {perSession * 1024:F0} KB each: {(2048 - baseline.Rss) / perSession:F0} sessions per node (goal 5,000)");
        foreach (var context in browserContexts)
        {
            await context.CloseAsync();
        }
    }

    private static async Task<IPage> OpenAsync(IBrowserContext context, string path, SemaphoreSlim gate)
    {
        await gate.WaitAsync();
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(path);
            await page.WaitForSelectorAsync("[data-testid=live-state][data-following=true]");
            return page;
        }
        finally
        {
            gate.Release();
        }
    }

    // ---------------------------------------------------------------- latency

    private static async Task LatencyAsync(ServerProcess server)
    {
        var seed = IntArg("seed", 500);
        var rate = IntArg("rate", 20);
        var seconds = IntArg("seconds", 15);
        var warmupSeconds = IntArg("warmup", 3);
        if (seed > 0)
        {
            await WaitForInboxAsync(server, await InboxCountAsync(server, null) + await SeedAsync(server, 0, seed));
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var context = await browser.NewContextAsync(new() { BaseURL = server.Address.ToString(), Locale = "zh-CN", TimezoneId = "Asia/Shanghai" });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.FillAsync("#userName", DemoUsers.StreetChair);
        await page.FillAsync("#password", DemoUsers.Password);
        await page.ClickAsync("form[data-testid=signin-form] button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=who]:not(:empty)");
        await page.GotoAsync("/board");
        await page.WaitForSelectorAsync("[data-testid=live-state][data-following=true]");
        // Every card title that appears, with the page's clock (Date.now(): the same machine clock as this process).
        await page.EvaluateAsync(@"() => {
            window.__seen = {};
            const mark = () => {
                const now = Date.now();
                for (const a of document.querySelectorAll('[data-testid=board-card] a.title')) {
                    const t = a.textContent;
                    if (t.startsWith('延迟测试 ') && !(t in window.__seen)) window.__seen[t] = now;
                }
            };
            new MutationObserver(mark).observe(document.body, { childList: true, subtree: true, characterData: true });
        }");
        Console.WriteLine($"board open as {DemoUsers.StreetChair} with {await page.Locator("[data-testid=board-card]").CountAsync()} cards; load {Load()}");

        var token = await server.TokenAsync(DemoUsers.CommunitySecretary);
        using var api = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var sent = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var answeredAt = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var answered = new List<double>();
        var total = (warmupSeconds + seconds) * rate;
        var warmCount = warmupSeconds * rate;
        var clock = Stopwatch.StartNew();
        var cpu = server.CpuSeconds();
        var inFlight = new List<Task>();
        for (var n = 0; n < total; n++)
        {
            var due = TimeSpan.FromSeconds((double)n / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var title = $"延迟测试 {n:D5}";
            var number = n;
            inFlight.Add(Task.Run(async () =>
            {
                var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                sent[title] = at;
                var request = Stopwatch.StartNew();
                using var response = await api.PostAsJsonAsync("/api/items", JointTask(title));
                response.EnsureSuccessStatusCode();
                answeredAt[title] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                if (number >= warmCount)
                {
                    lock (answered)
                    {
                        answered.Add(request.Elapsed.TotalMilliseconds);
                    }
                }
            }));
        }

        await Task.WhenAll(inFlight);
        var sending = clock.Elapsed.TotalSeconds;
        var wait = Stopwatch.StartNew();
        Dictionary<string, long> seen = [];
        while (wait.Elapsed < TimeSpan.FromSeconds(60))
        {
            seen = await page.EvaluateAsync<Dictionary<string, long>>("() => window.__seen");
            if (seen.Count >= total)
            {
                break;
            }

            await Task.Delay(250);
        }

        var serverCpu = (server.CpuSeconds() - cpu) / clock.Elapsed.TotalSeconds;
        var latencies = sent.Where(p => int.Parse(p.Key[5..], CultureInfo.InvariantCulture) >= warmCount && seen.ContainsKey(p.Key))
            .Select(p => (double)(seen[p.Key] - p.Value)).ToList();
        var afterAnswer = answeredAt.Where(p => int.Parse(p.Key[5..], CultureInfo.InvariantCulture) >= warmCount && seen.ContainsKey(p.Key))
            .Select(p => (double)(seen[p.Key] - p.Value)).ToList();
        var measured = total - warmCount;
        Console.WriteLine($"{total} submissions ({warmCount} warm-up) at {rate}/s sent in {sending:F1} s; {seen.Count} cards appeared; server {serverCpu:F2} cores; load {Load()}");
        Console.WriteLine($"  POST /api/items answered: p50 {Percentile(answered, 50):F0} ms  p99 {Percentile(answered, 99):F0} ms");
        if (latencies.Count > 0)
        {
            Console.WriteLine(
                $"  request sent -> card in the chair's DOM ({latencies.Count} of {measured} measured): p50 {Percentile(latencies, 50):F0} ms  " +
                $"p99 {Percentile(latencies, 99):F0} ms  max {latencies.Max():F0} ms; {measured - latencies.Count} never appeared within 60 s");
            Console.WriteLine(
                $"  request answered -> card in the chair's DOM (the push path alone): p50 {Percentile(afterAnswer, 50):F0} ms  " +
                $"p99 {Percentile(afterAnswer, 99):F0} ms  min {afterAnswer.Min():F0} ms (negative: the card was in the page before the answer)");
        }

        Console.WriteLine($"board now has {await page.Locator("[data-testid=board-card]").CountAsync()} cards");
        await context.CloseAsync();
    }

    // ---------------------------------------------------------------- seeding through the REST API

    private static object JointTask(string title) => new
    {
        kind = "jointTask",
        title,
        description = "界面基准测试提交的实事共办事项。",
        category = "法律",
        allianceId = DemoRegion.CommunityAlliance(1).Value,
        scope = "alliance",
        desiredDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        designatedUnitId = DemoRegion.Unit(1).Value,
    };

    /// <summary>Submits <paramref name="count"/> joint tasks as the community secretary (4 clients in a closed loop).</summary>
    private static async Task<int> SeedAsync(ServerProcess server, int from, int count)
    {
        if (count <= 0)
        {
            return 0;
        }

        var token = await server.TokenAsync(DemoUsers.CommunitySecretary);
        using var api = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var next = from;
        var end = from + count;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next) - 1) < end)
            {
                using var response = await api.PostAsJsonAsync("/api/items", JointTask($"基准事项 {n:D5}"));
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"POST /api/items: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }));
        Console.WriteLine($"seeded {count} joint tasks through POST /api/items in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:F0}/s)");
        return count;
    }

    private static async Task<int> InboxCountAsync(ServerProcess server, SignedInClient? _)
    {
        var token = await server.TokenAsync(DemoUsers.UnitContact);
        using var api = new HttpClient { BaseAddress = server.Address };
        api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return (await api.GetFromJsonAsync<JsonElement>("/api/tasks")).GetArrayLength();
    }

    /// <summary>The route opens each joint task's first step behind the submission (the bus): wait until all are open.</summary>
    private static async Task WaitForInboxAsync(ServerProcess server, int expected)
    {
        var clock = Stopwatch.StartNew();
        int count;
        while ((count = await InboxCountAsync(server, null)) < expected && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(1000);
        }

        Console.WriteLine($"{count} open tasks in {DemoUsers.UnitContact}'s inbox (expected {expected}) after {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}

/// <summary>A person signed in through the sign-in form (GET / for the antiforgery token, POST / with it): the UI's cookie.</summary>
internal sealed partial class SignedInClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly CookieContainer _cookies;

    private SignedInClient(HttpClient http, CookieContainer cookies, string userName)
    {
        _http = http;
        _cookies = cookies;
        UserName = userName;
    }

    public string UserName { get; }

    public static async Task<SignedInClient> SignInAsync(Uri address, string userName)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromMinutes(2),
        };
        var form = await http.GetStringAsync("/");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match hidden in HiddenInput().Matches(form))
        {
            fields[WebUtility.HtmlDecode(hidden.Groups["name"].Value)] = WebUtility.HtmlDecode(hidden.Groups["value"].Value);
        }

        if (!fields.ContainsKey("__RequestVerificationToken"))
        {
            throw new InvalidOperationException("no antiforgery token on the sign-in form");
        }

        var userField = NameOf(form, "userName");
        var passwordField = NameOf(form, "password");
        fields[userField] = userName;
        fields[passwordField] = DemoUsers.Password;
        using var response = await http.PostAsync("/", new FormUrlEncodedContent(fields));
        // The form answers with a redirect (a 302, or Blazor's in-page redirection after the response started) and the cookie.
        if (cookies.GetCookies(address).All(c => c.Name != "alliance.auth"))
        {
            throw new InvalidOperationException($"sign-in of {userName} through the form failed: {(int)response.StatusCode}, cookies: " +
                string.Join(", ", cookies.GetCookies(address).Select(c => c.Name)));
        }

        return new SignedInClient(http, cookies, userName);
    }

    private static string NameOf(string form, string id)
    {
        var input = Regex.Match(form, $"<input[^>]*id=\"{id}\"[^>]*>");
        return WebUtility.HtmlDecode(Regex.Match(input.Value, "name=\"(?<n>[^\"]+)\"").Groups["n"].Value);
    }

    /// <summary>The whole HTML of the page (read to its end), as a browser's first request gets it (no compression asked for).</summary>
    public async Task<string> GetPageAsync(string path)
    {
        using var response = await _http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {path} as {UserName}: {(int)response.StatusCode}");
        }

        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The bytes on the wire when the client accepts gzip and br, as browsers do; null when the server does not compress.</summary>
    public async Task<(string? Encoding, long Bytes)> CompressedSizeAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br, zstd");
        using var response = await _http.SendAsync(request);
        var bytes = (await response.Content.ReadAsByteArrayAsync()).LongLength;
        return (response.Content.Headers.ContentEncoding.FirstOrDefault(), bytes);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"[^>]*>")]
    private static partial Regex HiddenInput();
}

/// <summary>The server under test: the built Alliance.Server.dll (Release) as a child process on the embedded defaults.</summary>
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

    public static async Task<ServerProcess> StartAsync(string folder, IReadOnlyDictionary<string, string> environment, string serverDll)
    {
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "Alliance.sln")))
        {
            repo = repo.Parent;
        }

        // The published server: outside Development a build output serves no static web assets (blazor.web.js answers
        // 200 with no bytes), so no circuit would start; the publish folder has them, as a deployment does.
        var dll = serverDll is { Length: > 0 } given ? given : Path.Combine(repo!.FullName, "src", "Alliance.Server", "bin", "Release", "net10.0", "publish", "Alliance.Server.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Publish the server first: dotnet publish src/Alliance.Server -c Release", dll);
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
        start.Environment["Alliance__Database"] = "Sqlite";
        start.Environment["Alliance__Sqlite"] = $"Data Source={Path.Combine(folder, "alliance.db")}";
        start.Environment["Alliance__Bus"] = "InMemory";
        start.Environment["Alliance__Jobs"] = "InMemory";
        start.Environment["Alliance__Redis"] = "";
        start.Environment["Alliance__DemoData"] = "true";
        start.Environment["Alliance__Workflows"] = Path.Combine(repo!.FullName, "workflows");
        // Every sign-in comes from this one address: the per-client limit (60 a minute) would refuse some.
        start.Environment["Alliance__SignInPerClientPerMinute"] = "100000";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("[server] " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { BaseAddress = server.Address };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(180))
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
                    Console.WriteLine($"server ready after {clock.Elapsed.TotalSeconds:F1} s");
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        server.Dispose();
        throw new TimeoutException("the server was not ready within 180 s");
    }

    public async Task<string> TokenAsync(string userName)
    {
        using var http = new HttpClient { BaseAddress = Address };
        using var response = await http.PostAsJsonAsync("/api/auth/token", new { userName, password = DemoUsers.Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>CPU time (user + system) the server process has used so far, seconds.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The server process's resident memory (VmRSS) and its anonymous part (RssAnon: heaps, not mapped files), MB.</summary>
    public (double Rss, double Anon) Rss()
    {
        double rss = double.NaN, anon = double.NaN;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kb(line) / 1024;
            }
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                anon = Kb(line) / 1024;
            }
        }

        return (rss, anon);

        static double Kb(string line) => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
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
