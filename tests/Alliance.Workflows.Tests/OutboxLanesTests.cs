using System.Collections.Concurrent;
using Alliance.Workflows.Outbox;

namespace Alliance.Workflows.Tests;

/// <summary>How an outbox pass publishes: per key in order, keys side by side, and never stuck on a publish the broker does not confirm.</summary>
public sealed class OutboxLanesTests
{
    private sealed record Row(string Key, int Number);

    [Fact]
    public async Task A_publish_the_broker_never_confirms_is_given_up_and_stops_only_its_own_lane()
    {
        Row[] rows = [new("a", 1), new("b", 1), new("a", 2), new("b", 2)];
        var sent = new ConcurrentQueue<Row>();

        var result = await OutboxLanes.PublishAsync(rows, r => r.Key, async (row, ct) =>
        {
            if (row == rows[0])
            {
                await new TaskCompletionSource().Task; // a confirmation that never comes, whatever the token says
            }

            sent.Enqueue(row);
        }, CancellationToken.None, timeout: TimeSpan.FromMilliseconds(200));

        Assert.Equal([new("b", 1), new("b", 2)], result.Published);
        Assert.IsType<TimeoutException>(result.Failure);
        Assert.DoesNotContain(new Row("a", 2), sent);
    }

    [Fact]
    public async Task Rows_of_one_key_go_out_in_order_and_keys_overlap()
    {
        var rows = Enumerable.Range(0, 40).Select(i => new Row($"k{i % 4}", i)).ToList();
        var order = new ConcurrentQueue<Row>();
        var inFlight = 0;
        var mostInFlight = 0;

        var result = await OutboxLanes.PublishAsync(rows, r => r.Key, async (row, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref mostInFlight, now);
            await Task.Delay(5, ct);
            order.Enqueue(row);
            Interlocked.Decrement(ref inFlight);
        }, CancellationToken.None);

        Assert.Equal(rows, result.Published);
        Assert.Null(result.Failure);
        foreach (var key in rows.Select(r => r.Key).Distinct())
        {
            Assert.Equal(rows.Where(r => r.Key == key), order.Where(r => r.Key == key));
        }

        Assert.True(mostInFlight > 1, $"at most {mostInFlight} publish in flight at once");
    }

    [Fact]
    public async Task A_failed_publish_keeps_the_rest_of_its_lane_for_the_next_pass()
    {
        Row[] rows = [new("a", 1), new("a", 2), new("b", 1)];

        var result = await OutboxLanes.PublishAsync(rows, r => r.Key, (row, _) =>
            row == rows[0] ? Task.FromException(new InvalidOperationException("bus down")) : Task.CompletedTask, CancellationToken.None);

        Assert.Equal([new("b", 1)], result.Published);
        Assert.IsType<InvalidOperationException>(result.Failure);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var was && was != seen)
        {
            seen = was;
        }
    }
}
