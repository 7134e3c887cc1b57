using System.Diagnostics;
using System.Text;

namespace Alliance.Faults.Tests;

/// <summary>
/// The suite's own PostgreSQL, RabbitMQ and Redis, on ports of their own and with data in a folder of their own,
/// and its Alliance.Server nodes, all driven through <c>infra/chaos/stack.sh</c> (the same steps a person runs by
/// hand). The shared servers of the real-server pass are never touched.
/// </summary>
public sealed class ChaosKit
{
    private readonly string _script;
    private readonly Dictionary<string, string> _environment;

    public ChaosKit()
    {
        Repo = FindRepo();
        _script = Path.Combine(Repo, "infra", "chaos", "stack.sh");
        Folder = Path.Combine(Path.GetTempPath(), $"alliance-faults-{Environment.ProcessId}");
        var serverDll = Path.Combine(Repo, "src", "Alliance.Server", "bin", Configuration(), "net10.0", "Alliance.Server.dll");
        _environment = new(StringComparer.Ordinal)
        {
            ["CHAOS_DIR"] = Folder,
            ["CHAOS_PG_PORT"] = Port("CHAOS_PG_PORT", 27432),
            ["CHAOS_REDIS_PORT"] = Port("CHAOS_REDIS_PORT", 27379),
            ["CHAOS_RABBIT_PORT"] = Port("CHAOS_RABBIT_PORT", 27672),
            ["CHAOS_RABBIT_API_PORT"] = Port("CHAOS_RABBIT_API_PORT", 27673),
            ["CHAOS_RABBIT_DIST_PORT"] = Port("CHAOS_RABBIT_DIST_PORT", 27674),
            ["CHAOS_APP_PORT"] = Port("CHAOS_APP_PORT", 27080),
            ["CHAOS_SERVER_DLL"] = serverDll,
            // The nodes can reach a WeCom robot (nobody's settings use it unless a fault sets them) and claim a delivery for
            // 6 s instead of 2 minutes, so a dead node's claims are looked at again within seconds.
            ["Alliance__NotificationChannels"] = "WeCom",
            ["Alliance__NotificationLease"] = "00:00:06",
        };
        Postgres = $"Host=127.0.0.1;Port={_environment["CHAOS_PG_PORT"]};Username=alliance;Password=alliance;Database=alliance_chaos;Timeout=3;Maximum Pool Size=10";
    }

    public string Repo { get; }

    public string Folder { get; }

    /// <summary>The suite's own database, for the checks (not the app's pool).</summary>
    public string Postgres { get; }

    public Uri Node(int n) => new($"http://127.0.0.1:{int.Parse(_environment["CHAOS_APP_PORT"], System.Globalization.CultureInfo.InvariantCulture) + n}/");

    public Task UpAsync() => RunAsync("up");

    public Task DownAsync() => RunAsync("down");

    public Task StartNodeAsync(int n) => RunAsync("app-start", n.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task KillNodeAsync(int n) => RunAsync("app-kill", n.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task KillRabbitAsync() => RunAsync("rabbit-kill");

    public Task StartRabbitAsync() => RunAsync("rabbit-start");

    public Task KillRedisAsync() => RunAsync("redis-kill");

    public Task StartRedisAsync() => RunAsync("redis-start");

    public Task StopPostgresImmediatelyAsync() => RunAsync("pg-stop-immediate");

    public Task StartPostgresAsync() => RunAsync("pg-start");

    /// <summary>
    /// The app's queues on the suite's RabbitMQ that still hold messages or have no consumer (an event on the bus is in
    /// no table: "settled" needs the queues empty and consumed too). Error and skipped queues are left out; the fault
    /// checks look at what reached the stream log. Empty when the management API says all is drained.
    /// </summary>
    public async Task<IReadOnlyList<string>> BusBacklogAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        var port = _environment["CHAOS_RABBIT_API_PORT"];
        using var queues = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/queues?columns=name,messages,consumers,auto_delete")));
        var busy = new List<string>();
        foreach (var queue in queues.RootElement.EnumerateArray())
        {
            var name = queue.GetProperty("name").GetString() ?? "";
            if (name.EndsWith("_error", StringComparison.Ordinal) || name.EndsWith("_skipped", StringComparison.Ordinal)
                || (queue.TryGetProperty("auto_delete", out var auto) && auto.ValueKind == System.Text.Json.JsonValueKind.True))
            {
                continue;
            }

            var messages = queue.TryGetProperty("messages", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.Number ? m.GetInt64() : -1;
            var consumers = queue.TryGetProperty("consumers", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.Number ? c.GetInt64() : -1;
            if (messages != 0 || consumers < 1)
            {
                busy.Add($"{name}: {messages} message(s), {consumers} consumer(s)");
            }
        }

        return busy;
    }

    /// <summary>The last lines a node wrote (for a failure message).</summary>
    public string NodeLog(int n, int lines = 60)
    {
        var path = Path.Combine(Folder, $"app-{n}.log");
        return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(lines)) : "(no log)";
    }

    private async Task RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [_script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        output.Append(await stdout).Append(await stderr);
        Log?.Invoke(output.ToString().TrimEnd());
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"stack.sh {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{output}");
        }
    }

    /// <summary>Where the script's lines go (the test output).</summary>
    public Action<string>? Log { get; set; }

    private static string Port(string variable, int fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : fallback.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Configuration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string FindRepo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Alliance.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Alliance.sln not found above " + AppContext.BaseDirectory);
    }
}
