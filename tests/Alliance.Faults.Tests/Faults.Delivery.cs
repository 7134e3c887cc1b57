using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Notifications;

namespace Alliance.Faults.Tests;

public sealed partial class Faults
{
    private static readonly TimeSpan DeliverySettleLimit = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Group robots have no idempotency key, so a message the robot may already have received must never be sent again
    /// by itself. 桂花社区's secretary submits a burst of urgent items (急事共商); each tells 林晓东 (unit 1's contact) over
    /// WeCom, whose robot is a stand-in that counts every request and holds each open for 1.5 s (the suite's nodes claim
    /// a delivery for 6 s, see <see cref="ChaosKit"/>). Node 1 is killed
    /// (SIGKILL) while requests are in flight, and started again. In the end every notification's delivery is either
    /// Sent, received exactly once, or dead-lettered as "outcome unknown", received at most once; none received twice,
    /// none lost, none left Sending or Pending.
    /// </summary>
    [FaultFact]
    public async Task A_node_killed_mid_delivery_sends_nothing_twice_and_loses_nothing()
    {
        const int Count = 16;
        var clock = Stopwatch.StartNew();
        var label = $"delivery-kill-{DateTime.UtcNow:HHmmss}";
        var lin = DemoRegion.Person(DemoUsers.UnitContact);
        var unit = DemoRegion.Unit(1).Value;
        await using var robot = await WebhookStandIn.StartAsync(TimeSpan.FromSeconds(1.5));
        var node = suite.Stack.Node(1);
        var linToken = await FaultSuite.TokenAsync(node, DemoUsers.UnitContact);
        try
        {
            using (var person = Client(node, linToken))
            using (var settings = await person.PutAsJsonAsync("/api/notifications/settings", new { channels = new[] { "WeCom" } }))
            {
                Assert.True(settings.IsSuccessStatusCode, await settings.Content.ReadAsStringAsync());
            }

            using (var admin = Client(node, suite.DistrictAdmin))
            using (var channels = await admin.PutAsJsonAsync($"/api/notifications/channels/{unit}", new { weComWebhook = robot.WeComUrl("unit1-kill") }))
            {
                Assert.True(channels.IsSuccessStatusCode, await channels.Content.ReadAsStringAsync());
            }

            // the burst: urgent items ignore quiet hours, so the run does not depend on the time of day
            var items = new ConcurrentDictionary<Guid, string>();
            using var secretary = Client(node, suite.Secretary);
            var desired = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(3)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, cancel) =>
            {
                var title = $"{label}-{i:D2}";
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/items");
                request.Headers.Add("Idempotency-Key", title);
                request.Content = JsonContent.Create(new
                {
                    kind = "urgent", title, description = "故障测试：投递途中杀掉节点。", category = "其他", allianceId = Load.Alliance, scope = "alliance", desiredDate = desired,
                });
                using var response = await secretary.SendAsync(request, cancel);
                var body = await response.Content.ReadAsStringAsync(cancel);
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"{title}: {(int)response.StatusCode} {body}");
                items[JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid()] = title;
            });

            // kill the node while the robot holds requests open (the burst's: 林晓东 may also be told of tasks over WeCom)
            bool Burst(string title) => title.StartsWith($"急事共商：{label}-", StringComparison.Ordinal);
            var waiting = Stopwatch.StartNew();
            while (robot.InFlight(Burst) < 3 && waiting.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20);
            }

            var inFlightAtKill = robot.InFlight(Burst);
            var receivedAtKill = robot.ReceivedOf(Burst);
            Assert.True(inFlightAtKill >= 3, $"the robot never had 3 requests in flight (received {receivedAtKill}); node 1 log:\n{suite.Stack.NodeLog(1, 40)}");
            await suite.Stack.KillNodeAsync(1);
            var receivedBeforeDeath = robot.ReceivedOf(Burst);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: node 1 killed with {inFlightAtKill} request(s) in flight, {receivedAtKill} received ({receivedBeforeDeath} by the time it was dead)");
            await suite.Stack.StartNodeAsync(1);
            var healed = Stopwatch.StartNew();

            // settled: every notification's delivery final and nothing at the robot, for a lease and two sweeps more
            var ids = items.Keys.ToArray();
            List<Ledger.DeliveryRow> rows = [];
            TimeSpan? settledAt = null;
            while (healed.Elapsed < DeliverySettleLimit)
            {
                rows = await suite.Ledger.DeliveriesAsync(lin, NotificationTopics.UrgentItem, ids, nameof(NotificationChannel.WeCom));
                var final = rows.Count == Count && rows.All(r => r.State is "Sent" or "DeadLettered") && robot.InFlight(Burst) == 0;
                if (!final)
                {
                    settledAt = null;
                }
                else if (settledAt is null)
                {
                    settledAt = healed.Elapsed;
                }
                else if (healed.Elapsed - settledAt >= Quiet)
                {
                    break;
                }

                await Task.Delay(250);
            }

            var twice = 0;
            var lost = 0;
            var stuck = 0;
            var sent = 0;
            var unknown = 0;
            var unknownReceived = 0;
            var broken = new List<string>();
            foreach (var (id, title) in items.OrderBy(i => i.Value, StringComparer.Ordinal))
            {
                var received = robot.Received.GetValueOrDefault($"急事共商：{title}");
                var row = rows.SingleOrDefault(r => r.Subject == id);
                twice += received > 1 ? 1 : 0;
                if (row?.State is null)
                {
                    lost++;
                    broken.Add($"{title}: {(row is null ? "no notification" : "no WeCom delivery")} (received {received})");
                }
                else if (row.State == "Sent")
                {
                    sent++;
                    if (received != 1)
                    {
                        broken.Add($"{title}: Sent after {row.Attempts} attempt(s) but received {received} time(s)");
                    }
                }
                else if (row.State == "DeadLettered" && row.LastError?.Contains("outcome unknown", StringComparison.Ordinal) == true)
                {
                    unknown++;
                    unknownReceived += received;
                    if (received > 1)
                    {
                        broken.Add($"{title}: dead-lettered as outcome unknown but received {received} times");
                    }
                }
                else
                {
                    stuck++;
                    broken.Add($"{title}: {row.State} after {row.Attempts} attempt(s), received {received} time(s): {row.LastError}");
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| delivery-kill | {Count} notifications | in flight at kill {inFlightAtKill} (received {receivedAtKill}, {receivedBeforeDeath} by its death) | sent once {sent} | outcome unknown → dead letters {unknown} (received once {unknownReceived}, never {unknown - unknownReceived}) | received twice {twice} | lost {lost} | stuck {stuck} | settled {(settledAt is { } s ? $"{s.TotalSeconds:F1} s" : "NOT")} after restart | run {clock.Elapsed.TotalSeconds:F0} s |"));
            if (broken.Count > 0)
            {
                output.WriteLine("BROKEN:\n  " + string.Join("\n  ", broken));
                output.WriteLine("node 1 log tail:\n" + suite.Stack.NodeLog(1, 40));
            }

            Assert.Empty(broken);
            Assert.Equal(0, twice);
            Assert.NotNull(settledAt);
        }
        finally
        {
            // leave node 1 running and the demo region as the other faults expect it: 林晓东 in-app only, unit 1 without a robot
            if (!await NodeAnswersAsync(node))
            {
                await suite.Stack.StartNodeAsync(1);
            }

            try
            {
                using var person = Client(node, linToken);
                using var admin = Client(node, suite.DistrictAdmin);
                (await person.PutAsJsonAsync("/api/notifications/settings", new { channels = Array.Empty<string>() })).EnsureSuccessStatusCode();
                (await admin.PutAsJsonAsync($"/api/notifications/channels/{unit}", new { weComWebhook = "" })).EnsureSuccessStatusCode();
            }
            catch (HttpRequestException e)
            {
                output.WriteLine($"could not reset the notification settings: {e.Message}");
            }
        }
    }

    private static async Task<bool> NodeAnswersAsync(Uri node)
    {
        using var http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync("/health/live");
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static HttpClient Client(Uri node, string token)
    {
        var client = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
