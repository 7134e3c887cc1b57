using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Demo;

namespace Alliance.Faults.Tests;

/// <summary>A fact of the fault suite: runs only in the real-server pass (<c>ALLIANCE_TEST_PROFILE=servers</c>).</summary>
public sealed class FaultFactAttribute : FactAttribute
{
    public FaultFactAttribute()
    {
        if (!string.Equals(Environment.GetEnvironmentVariable("ALLIANCE_TEST_PROFILE"), "servers", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "The fault suite kills real servers: it runs only in the real-server pass (ALLIANCE_TEST_PROFILE=servers, ./test.sh).";
        }
    }
}

/// <summary>
/// The one fixture of the fault suite: its own PostgreSQL, RabbitMQ and Redis (<see cref="ChaosKit"/>) and node 1,
/// started once for all the faults and stopped at the end. Each fault leaves the stack healed for the next.
/// </summary>
public sealed class FaultSuite : IAsyncLifetime
{
    public ChaosKit Stack { get; } = new();

    public Ledger Ledger => new(Stack.Postgres);

    /// <summary>The secretary of 桂花社区 (submits items, watches the alliance board).</summary>
    public string Secretary { get; private set; } = "";

    /// <summary>The district administrator (verifies the audit chain).</summary>
    public string DistrictAdmin { get; private set; } = "";

    /// <summary>Each fault's measured figures, in the order they ran.</summary>
    public ConcurrentQueue<FaultResult> Results { get; } = new();

    public static bool Enabled => string.Equals(Environment.GetEnvironmentVariable("ALLIANCE_TEST_PROFILE"), "servers", StringComparison.OrdinalIgnoreCase);

    public async Task InitializeAsync()
    {
        if (!Enabled)
        {
            return;
        }

        await Stack.UpAsync();
        await Stack.StartNodeAsync(1);
        Secretary = await TokenAsync(Stack.Node(1), DemoUsers.CommunitySecretary);
        DistrictAdmin = await TokenAsync(Stack.Node(1), DemoUsers.DistrictAdmin);
    }

    public async Task DisposeAsync()
    {
        if (!Enabled)
        {
            return;
        }

        WriteReport();
        await Stack.DownAsync();
        try
        {
            Directory.Delete(Stack.Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static async Task<string> TokenAsync(Uri node, string userName)
    {
        using var http = new HttpClient { BaseAddress = node };
        using var response = await http.PostAsJsonAsync("/api/auth/token", new { userName, password = DemoUsers.Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>The figures as a Markdown table, to <c>ALLIANCE_FAULTS_REPORT</c> (default: a file in the temp folder).</summary>
    private void WriteReport()
    {
        var path = Environment.GetEnvironmentVariable("ALLIANCE_FAULTS_REPORT") is { Length: > 0 } p ? p : Path.Combine(Path.GetTempPath(), "alliance-faults-report.md");
        var lines = new List<string> { FaultResult.Header, FaultResult.Rule };
        lines.AddRange(Results.Select(r => r.Row));
        File.WriteAllLines(path, lines);
    }
}
