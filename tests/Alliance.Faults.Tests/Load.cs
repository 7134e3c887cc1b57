using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Demo;

namespace Alliance.Faults.Tests;

/// <summary>What became of one submission, as the client saw it.</summary>
public enum Outcome
{
    /// <summary>201: the server says the item exists.</summary>
    Accepted,

    /// <summary>The server answered with an error (a 503 with <c>Retry-After</c>, or anything else): it must not exist.</summary>
    Refused,

    /// <summary>No answer (connection cut, timeout, given up): it may exist once, or not at all.</summary>
    Unknown,
}

/// <summary>One submission: its unique title, which node it went to, what came back and when.</summary>
/// <param name="At">When the request was sent (on the load's clock).</param>
/// <param name="Done">When its answer (or failure) came.</param>
/// <param name="Tries">How many requests it took (retries with the same Idempotency-Key after a 503 or no answer).</param>
/// <param name="Replayed">The final answer was 200 (the key's item already existed): an earlier try had taken effect.</param>
/// <param name="Earlier">What the earlier tries answered, e.g. <c>503</c> or <c>no answer</c>.</param>
public sealed record Attempt(string Title, int Node, Outcome Outcome, Guid? ItemId, int? Status, string? Code, bool RetryAfter, TimeSpan At, TimeSpan Done,
    int Tries = 1, bool Replayed = false, string? Earlier = null);

/// <summary>
/// Modest, steady load through the public API: a few workers submit deliberation items (大事共议) to 桂花社区's
/// alliance as its secretary, each with a title of its own, so that every attempt can be found in the database
/// afterwards. Each submission carries an <c>Idempotency-Key</c>; with <c>retry</c> the worker behaves as a careful
/// client does: after a 503 (waiting its <c>Retry-After</c>, at most 1 s here) or no answer it sends the same request
/// with the same key again, up to <see cref="MaxTries"/> times, so a try that took effect despite its error answers
/// 200 with the same item. Without <c>retry</c> (clients that give up) each request's fate stands as it is.
/// </summary>
public sealed class Load : IAsyncDisposable
{
    public static readonly Guid Alliance = DemoRegion.CommunityAlliance(1).Value;

    private readonly ConcurrentQueue<Attempt> _attempts = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Task> _workers = [];
    private readonly string _label;
    private readonly bool _retry;
    private int _next;

    private Load(string label, bool retry)
    {
        _label = label;
        _retry = retry;
    }

    public const int MaxTries = 8;

    public IReadOnlyCollection<Attempt> Attempts => _attempts;

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>
    /// Starts <paramref name="workers"/> workers, each sending to the nodes in <paramref name="nodes"/> in turn (a node
    /// that refuses the connection is skipped for the next one), pausing <paramref name="pause"/> between requests.
    /// <paramref name="timeout"/> short: a client that gives up mid-request.
    /// </summary>
    public static Load Start(string label, IReadOnlyList<(int Node, Uri Address)> nodes, string token, int workers, TimeSpan pause, Func<TimeSpan>? timeout = null, bool retry = true)
    {
        var load = new Load(label, retry);
        for (var w = 0; w < workers; w++)
        {
            var worker = w;
            load._workers.Add(Task.Run(() => load.WorkAsync(worker, nodes, token, pause, timeout)));
        }

        return load;
    }

    /// <summary>When the first submission answered 201 after <paramref name="since"/> (on the load's clock), or null.</summary>
    public TimeSpan? FirstAcceptedAfter(TimeSpan since) =>
        _attempts.Where(a => a.Outcome == Outcome.Accepted && a.Done >= since).Select(a => (TimeSpan?)a.Done).Min();

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task WorkAsync(int worker, IReadOnlyList<(int Node, Uri Address)> nodes, string token, TimeSpan pause, Func<TimeSpan>? timeout)
    {
        var clients = nodes.Select(n =>
        {
            var client = new HttpClient { BaseAddress = n.Address, Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return (n.Node, Client: client);
        }).ToList();
        var turn = worker;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var (node, client) = clients[turn++ % clients.Count];
                await SubmitAsync(node, client, timeout?.Invoke() ?? TimeSpan.FromSeconds(15));
                try
                {
                    await Task.Delay(pause, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        finally
        {
            clients.ForEach(c => c.Client.Dispose());
        }
    }

    private async Task SubmitAsync(int node, HttpClient client, TimeSpan timeout)
    {
        var title = $"{_label}-{Interlocked.Increment(ref _next):D5}";
        var key = Guid.NewGuid().ToString("N");
        var at = _clock.Elapsed;
        var earlier = new List<string>();
        for (var tries = 1; ; tries++)
        {
            var attempt = await TryAsync(title, key, node, client, timeout, at);
            var again = _retry && tries < MaxTries && (attempt.Outcome == Outcome.Unknown || attempt.Status == 503);
            if (!again)
            {
                // A refusal after a try that got no answer does not say the first try did nothing: its fate is unknown.
                var outcome = attempt.Outcome == Outcome.Refused && earlier.Contains("no answer") ? Outcome.Unknown : attempt.Outcome;
                _attempts.Enqueue(attempt with { Outcome = outcome, Tries = tries, Earlier = earlier.Count == 0 ? null : string.Join(",", earlier) });
                return;
            }

            earlier.Add(attempt.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private async Task<Attempt> TryAsync(string title, string key, int node, HttpClient client, TimeSpan timeout, TimeSpan at)
    {
        using var giveUp = new CancellationTokenSource(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/items");
            request.Headers.Add("Idempotency-Key", key);
            request.Content = JsonContent.Create(new
            {
                kind = "deliberation",
                title,
                description = "故障测试：提交后核对每一项。",
                category = "其他",
                allianceId = Alliance,
                scope = "alliance",
            });
            using var response = await client.SendAsync(request, giveUp.Token);
            var body = await response.Content.ReadAsStringAsync(giveUp.Token);
            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
            {
                var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
                return new Attempt(title, node, Outcome.Accepted, id, (int)response.StatusCode, null, false, at, _clock.Elapsed,
                    Replayed: response.StatusCode == HttpStatusCode.OK);
            }
            else
            {
                string? code = null;
                try
                {
                    code = JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
                }
                catch (JsonException)
                {
                }

                return new Attempt(title, node, Outcome.Refused, null, (int)response.StatusCode, code, response.Headers.RetryAfter is not null, at, _clock.Elapsed);
            }
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && e.InnerException is System.Net.Sockets.SocketException
            { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
        {
            // Nothing was sent: the node is down. Counts as refused, and the worker moves on to the next node.
            return new Attempt(title, node, Outcome.Refused, null, null, "connection-refused", false, at, _clock.Elapsed);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return new Attempt(title, node, Outcome.Unknown, null, null, e.GetType().Name, false, at, _clock.Elapsed);
        }
    }
}
