// Notification broadcast benchmark (issue 19): a district-wide urgent item (急事共商) told to many people at once, over
// in-app and one WeCom robot stand-in.
//
// The server runs in this process (WebApplicationFactory<Program>) on the embedded defaults (SQLite file, in-memory
// bus, in-memory Hangfire) with Alliance:NotificationChannels=WeCom. The stand-in is a real Kestrel server on
// 127.0.0.1 (a random port) that answers {"errcode":0} and counts. The benchmark adds N people (UnitContact of the
// members of 东湖街道大党工委, spread over its four member units), each choosing WeCom, points the units' robots at the
// stand-in, then writes one ItemSubmitted (kind urgent) through the host outbox, as the items feature does, and measures:
//   - time until the last in-app notification is stored, and until the last push on person:{id} is fed;
//   - time until the last WeCom delivery is Sent (the stand-in has the message), and deliveries per second;
//   - the latency of an ordinary API request (GET /api/notifications/unread-count, one client in a closed loop)
//     before and during the broadcast (p50/p99).
//
// Usage (from the repository root):
//   dotnet run -c Release --project bench/Alliance.Notifications.Benchmarks -- --recipients 2000
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Contracts.Items;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Live;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alliance.Notifications.Benchmarks;

internal static class BroadcastBenchmark
{
    public static async Task<int> Main(string[] args)
    {
        var recipients = int.Parse(Arg("recipients", "2000"), System.Globalization.CultureInfo.InvariantCulture);
        // the server's content root (for appsettings.json and the workflows folder), found from the working directory up
        var root = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Alliance.sln")))
        {
            root = root.Parent;
        }

        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ALLIANCE_SERVER",
            Path.Combine(root?.FullName ?? throw new InvalidOperationException("Run from inside the repository."), "src", "Alliance.Server"));
        var database = Path.Combine(Path.GetTempPath(), $"alliance-notify-bench-{Guid.NewGuid():N}.db");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; recipients: {recipients}");

        // the WeCom stand-in
        var received = 0;
        var standInBuilder = WebApplication.CreateSlimBuilder();
        standInBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        standInBuilder.Logging.ClearProviders();
        await using var standIn = standInBuilder.Build();
        standIn.MapPost("/cgi-bin/webhook/send", (Delegate)(async (HttpContext http) =>
        {
            await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
            Interlocked.Increment(ref received);
            return Results.Text("{\"errcode\":0,\"errmsg\":\"ok\"}", "application/json");
        }));
        await standIn.StartAsync();
        var robotUrl = standIn.Urls.Single().TrimEnd('/') + "/cgi-bin/webhook/send?key=bench";

        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("Alliance:DemoData", "true");
            web.UseSetting("Alliance:Database", "Sqlite");
            web.UseSetting("Alliance:Sqlite", $"Data Source={database}");
            web.UseSetting("Alliance:Bus", "InMemory");
            web.UseSetting("Alliance:Jobs", "InMemory");
            web.UseSetting("Alliance:NotificationChannels", "WeCom");
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.UseSetting("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning");
        });
        using var client = app.CreateClient();
        var started = Stopwatch.StartNew();
        using (var login = await client.PostAsJsonAsync("/api/auth/token", new { userName = DemoUsers.DistrictAdmin, password = DemoUsers.Password }))
        {
            login.EnsureSuccessStatusCode();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        }

        Console.WriteLine($"server up and demo region seeded in {started.Elapsed.TotalSeconds:F1} s");

        // N people, UnitContact of the street alliance's member units, each choosing WeCom; the units' robots → the stand-in
        var units = DemoRegion.StreetAllianceUnits(1).Select(DemoRegion.Unit).ToList();
        var setup = Stopwatch.StartNew();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var secrets = scope.ServiceProvider.GetRequiredService<ChannelSecrets>();
            foreach (var unit in units)
            {
                db.Add(new OrganisationChannels { OrganisationId = unit.Value, WeComWebhookProtected = secrets.Protect(ChannelSecrets.WeComWebhookPurpose, robotUrl), UpdatedAt = DateTimeOffset.UtcNow });
            }

            for (var i = 0; i < recipients; i++)
            {
                var id = Guid.CreateVersion7();
                var name = $"bench{i:D6}";
                db.Add(new AllianceUser { Id = id, UserName = name, NormalizedUserName = name.ToUpperInvariant(), DisplayName = name, SecurityStamp = Guid.NewGuid().ToString("N"), CreatedAt = DateTimeOffset.UtcNow });
                db.Add(new RoleGrant { Id = RoleGrantId.New(), UserId = id, Role = AllianceRole.UnitContact, OrganisationId = units[i % units.Count], GrantedAt = DateTimeOffset.UtcNow });
                db.Add(new PersonNotificationSettings { UserId = id, Channels = [NotificationChannel.WeCom], Mobile = $"139{i:D8}" });
            }

            await db.SaveChangesAsync();
        }

        Console.WriteLine($"{recipients} people with WeCom added in {setup.Elapsed.TotalSeconds:F1} s");

        // the ordinary API request, closed loop, before and during the broadcast
        async Task<List<double>> MeasureApiAsync(Func<bool> keepGoing)
        {
            var latencies = new List<double>();
            while (keepGoing())
            {
                var clock = Stopwatch.StartNew();
                using var response = await client.GetAsync("/api/notifications/unread-count");
                response.EnsureSuccessStatusCode();
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }

            return latencies;
        }

        var baselineUntil = Stopwatch.StartNew();
        var baseline = await MeasureApiAsync(() => baselineUntil.Elapsed < TimeSpan.FromSeconds(5));
        Report("API before the broadcast", baseline);

        var eventId = Guid.NewGuid();
        var expected = recipients + 4; // the bench people, plus the demo people with roles in the member units (counted below)
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var host = DemoRegion.Street(1);
            var organisations = units.Concat([host]).ToList();
            var roles = new[] { AllianceRole.UnitContact, AllianceRole.UnitSecretary, AllianceRole.PartTimeMember, AllianceRole.StreetChair };
            expected = await db.RoleGrants.Where(g => g.RevokedAt == null && organisations.Contains(g.OrganisationId) && roles.Contains(g.Role)).Select(g => g.UserId).Distinct().CountAsync();
        }

        var broadcast = Stopwatch.StartNew();
        var done = false;
        var during = MeasureApiAsync(() => !Volatile.Read(ref done));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            db.AddOutboxEvent(new ItemSubmitted(Guid.NewGuid(), DemoRegion.StreetAlliance(1).Value, [DemoRegion.Street(1).Value], 1, "Urgent", "区域性停电应急（基准测试）", null) { EventId = eventId });
            await db.SaveChangesAsync();
        }

        double? stored = null, pushed = null;
        while (broadcast.Elapsed < TimeSpan.FromMinutes(30))
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            if (stored is null && await db.Set<Notification>().CountAsync(n => n.SourceEventId == eventId) >= expected)
            {
                stored = broadcast.Elapsed.TotalSeconds;
                Console.WriteLine($"all {expected} in-app notifications stored after {stored:F2} s");
            }

            if (stored is not null && pushed is null && await db.Set<StreamEvent>().CountAsync(e => e.Kind == "Notification") >= expected)
            {
                pushed = broadcast.Elapsed.TotalSeconds;
                Console.WriteLine($"all {expected} person-stream pushes fed after {pushed:F2} s");
            }

            if (stored is not null && Volatile.Read(ref received) >= recipients
                && await db.Set<NotificationDelivery>().CountAsync(d => d.Channel == NotificationChannel.WeCom && d.State == DeliveryState.Sent) >= recipients)
            {
                break;
            }

            await Task.Delay(100);
        }

        var last = broadcast.Elapsed.TotalSeconds;
        Volatile.Write(ref done, true);
        var duringLatencies = await during;
        Console.WriteLine($"last WeCom delivery Sent after {last:F2} s: {received} webhook messages, {received / last:F0} deliveries/s "
            + $"({(expected + received) / last:F0}/s counting in-app)");
        Report("API during the broadcast", duringLatencies);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var states = await db.Set<NotificationDelivery>().GroupBy(d => new { d.Channel, d.State }).Select(g => new { g.Key.Channel, g.Key.State, Count = g.Count() }).ToListAsync();
            Console.WriteLine("deliveries: " + string.Join(", ", states.Select(s => $"{s.Channel}/{s.State} {s.Count}")));
        }

        foreach (var file in new[] { database, database + "-wal", database + "-shm" })
        {
            File.Delete(file);
        }

        return 0;

        static void Report(string label, List<double> latencies)
        {
            latencies.Sort();
            double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
            Console.WriteLine($"{label}: {latencies.Count} requests, p50 {P(0.5):F1} ms, p99 {P(0.99):F1} ms, max {(latencies.Count == 0 ? double.NaN : latencies[^1]):F1} ms");
        }

        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
    }
}
