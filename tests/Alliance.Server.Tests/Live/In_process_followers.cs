using System.Collections.Concurrent;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Live;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Live.LiveTestKit;

namespace Alliance.Server.Tests.Live;

/// <summary>The web UI's live pages follow streams in-process, with the hub's sequence and resume semantics.</summary>
public sealed class In_process_followers(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_follower_gets_every_event_after_its_position_in_order_including_those_appended_before_it_started()
    {
        var alliance = DemoRegion.StreetAlliance(1).Value;
        var stream = StreamId.For(StreamId.Alliance, alliance);
        var log = app.Services.GetRequiredService<StreamLog>();
        var position = await log.HeadAsync(stream);
        await PublishChangesAsync(app, alliance, 3, "before");
        await WaitForHeadAsync(log, stream, position + 3);
        var delivered = new ConcurrentQueue<long>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using (StreamFollower.Start(app.Services, new Dictionary<StreamId, long> { [stream] = position }, events =>
        {
            foreach (var e in events)
            {
                delivered.Enqueue(e.Sequence);
            }

            if (delivered.Count >= 5)
            {
                enough.TrySetResult();
            }

            return Task.CompletedTask;
        }))
        {
            await PublishChangesAsync(app, alliance, 2, "after");
            await enough.Task.WaitAsync(Patience);
        }

        Assert.Equal(Enumerable.Range(1, 5).Select(i => position + i), delivered);
    }

    private static async Task WaitForHeadAsync(StreamLog log, StreamId stream, long head)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (await log.HeadAsync(stream, deadline.Token) < head)
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
