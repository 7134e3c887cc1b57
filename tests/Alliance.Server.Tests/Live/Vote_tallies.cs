using System.Text.Json;
using System.Threading.Channels;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using Microsoft.AspNetCore.SignalR.Client;
using static Alliance.Server.Tests.Live.LiveTestKit;

namespace Alliance.Server.Tests.Live;

/// <summary>While a decision's vote is open, its live counts reach the item's watchers over the hub, in the item's gap-free stream.</summary>
public sealed class Vote_tallies(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private static async Task<JsonElement> NextAsync(ChannelReader<JsonElement> pushes)
    {
        using var patience = new CancellationTokenSource(Patience);
        return await pushes.ReadAsync(patience.Token);
    }

    [Fact]
    public async Task A_watcher_of_the_item_sees_the_counts_after_each_ballot_and_the_outcome_when_the_vote_closes()
    {
        var id = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.Item("decision"));
        var stream = $"item:{id:D}";
        await using var chair = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.CommunitySecretary));
        var pushes = Channel.CreateUnbounded<JsonElement>();
        chair.On<JsonElement>("VoteTally", e => pushes.Writer.TryWrite(e));
        Assert.True((await WatchAsync(chair, stream)).Watching);

        await app.DoAsync(DemoUsers.CommunitySecretary, id, "intake", "accept");
        var opened = await NextAsync(pushes.Reader);
        var ballots = new[] { "yes", "no", "yes", "abstain", "yes" };
        var seen = new List<JsonElement>();
        for (var i = 0; i < ballots.Length; i++)
        {
            await app.DoAsync(ItemsKit.CommunityMembers[i], id, "ballot", ballots[i]);
            seen.Add(await NextAsync(pushes.Reader));
        }

        Assert.Equal((0, 5, true, false), (opened.GetProperty("cast").GetInt32(), opened.GetProperty("eligible").GetInt32(),
            opened.GetProperty("open").GetBoolean(), opened.GetProperty("quorumReached").GetBoolean()));
        Assert.Equal(id, opened.GetProperty("itemId").GetGuid());
        Assert.Equal([1, 2, 3, 4], seen.Take(4).Select(e => e.GetProperty("cast").GetInt32()));
        Assert.Equal([1, 1, 2, 2], seen.Take(4).Select(e => e.GetProperty("for").GetInt32()));
        Assert.Equal([0, 1, 1, 1], seen.Take(4).Select(e => e.GetProperty("against").GetInt32()));
        Assert.Equal([false, false, true, true], seen.Take(4).Select(e => e.GetProperty("quorumReached").GetBoolean()));
        Assert.All(seen.Take(4), e => Assert.True(e.GetProperty("open").GetBoolean()));
        // the fifth ballot closes the vote: its tally is the final one
        Assert.Equal((5, 3, 1, 1, false, "passed"), (seen[4].GetProperty("cast").GetInt32(), seen[4].GetProperty("for").GetInt32(),
            seen[4].GetProperty("against").GetInt32(), seen[4].GetProperty("abstain").GetInt32(), seen[4].GetProperty("open").GetBoolean(),
            seen[4].GetProperty("outcome").GetString()));
        Assert.Equal(JsonValueKind.Null, seen[3].GetProperty("outcome").ValueKind);
        Assert.All(seen, e => Assert.Equal(opened.GetProperty("voteId").GetGuid(), e.GetProperty("voteId").GetGuid()));

        var replay = await ResumeAllAsync(chair, stream, 0);
        Assert.Equal(Enumerable.Range(1, replay.Count).Select(i => (long)i), replay.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal([0, 1, 2, 3, 4, 5], replay.Where(e => e.GetProperty("kind").GetString() == "VoteTally")
            .Select(e => e.GetProperty("data").GetProperty("cast").GetInt32()));
    }
}
