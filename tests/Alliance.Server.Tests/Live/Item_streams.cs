using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Contracts.Items;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using MassTransit;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Live.LiveTestKit;

namespace Alliance.Server.Tests.Live;

public sealed class Item_streams(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task A_unit_of_another_community_cannot_watch_an_item()
    {
        var item = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.JointTask());
        var stream = $"item:{item:D}";
        await using var other = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.OtherUnitContact));
        var pushed = new List<JsonElement>();
        ListenToItems(other, pushed);

        var refused = await WatchAsync(other, stream);

        Assert.False(refused.Watching);
        Assert.Equal("stream.not-found", refused.Refusal);
        using var client = await app.ClientForAsync(DemoUsers.OtherUnitContact);
        using var response = await client.GetAsync($"/api/streams/{stream}/events");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        // The submitter can, and sees the item's events while the other unit gets nothing.
        await using var secretary = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.CommunitySecretary));
        Assert.True((await WatchAsync(secretary, stream)).Watching);
        using (var own = await app.ClientForAsync(DemoUsers.CommunitySecretary))
        {
            await WaitForHeadAsync(own, stream, 1);
        }

        var events = await ResumeAllAsync(secretary, stream, 0);
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "ItemChanged"
            && e.GetProperty("data").GetProperty("status").GetString() == "submitted");
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Empty(pushed);
    }

    [Fact]
    public async Task The_item_stream_tells_the_current_step_once_a_task_is_assigned()
    {
        var item = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.JointTask());
        var stream = $"item:{item:D}";
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}/events?after=0", deadline.Token);
            var events = page.GetProperty("events").EnumerateArray().ToList();
            var assigned = events.FirstOrDefault(e => e.GetProperty("kind").GetString() == "TaskAssigned");
            if (assigned.ValueKind == JsonValueKind.Object)
            {
                var step = assigned.GetProperty("data").GetProperty("step").GetString();
                var changed = events.Last(e => e.GetProperty("kind").GetString() == "ItemChanged").GetProperty("data");
                Assert.False(string.IsNullOrEmpty(step));
                Assert.False(string.IsNullOrEmpty(changed.GetProperty("currentStep").GetString()));
                Assert.False(string.IsNullOrEmpty(changed.GetProperty("status").GetString()));
                return;
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    [Fact]
    public async Task The_alliance_board_gets_the_status_of_its_items_live()
    {
        var alliance = DemoRegion.CommunityAlliance(1).Value;
        await using var chair = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.CommunityStaff));
        var changes = Received.On<JsonElement>(chair, "ItemChanged");
        var head = (await WatchAsync(chair, $"alliance:{alliance:D}")).Head;

        var item = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.JointTask());

        // The change the submission made is the item's first event, whatever else of the item reached the board before it.
        var submitted = await changes.WaitForAsync(e => e.GetProperty("itemId").GetGuid() == item && e.GetProperty("itemSequence").GetInt64() == 1, Patience);
        Assert.Equal("submitted", submitted.GetProperty("status").GetString());
        Assert.True(submitted.GetProperty("sequence").GetInt64() > head);
    }

    [Fact]
    public async Task On_the_board_the_change_with_the_highest_item_sequence_is_the_item_as_it_stands()
    {
        var alliance = DemoRegion.CommunityAlliance(1).Value;
        await using var chair = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.CommunityStaff));
        var changes = Received.On<JsonElement>(chair, "ItemChanged");
        await WatchAsync(chair, $"alliance:{alliance:D}");

        var item = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.JointTask());
        var detail = await app.ItemAsync(DemoUsers.CommunitySecretary, item);
        string[] changing = ["ItemSubmitted", "ItemStatusChanged", "ItemClosed", "TaskAssigned", "TaskClaimed"];
        var expected = detail["timeline"]!.AsArray().Where(e => changing.Contains(e!["type"]!.GetValue<string>()))
            .Select(e => e!["sequence"]!.GetValue<long>()).ToList();

        // Wait until every change of the timeline so far is on the board, in whatever order it came.
        var last = await changes.WaitForAsync(e => e.GetProperty("itemId").GetGuid() == item && e.GetProperty("itemSequence").GetInt64() == expected.Max(), Patience);
        var mine = changes.Events.Where(e => e.GetProperty("itemId").GetGuid() == item).ToList();
        Assert.Subset(mine.Select(e => e.GetProperty("itemSequence").GetInt64()).ToHashSet(), expected.ToHashSet());
        Assert.True(expected.Count > 1, "a joint task changes more than once on submission (assigned, published)");
        var newest = mine.MaxBy(e => e.GetProperty("itemSequence").GetInt64());
        Assert.Equal(last, newest);
        Assert.Equal(detail["status"]!.GetValue<string>(), newest.GetProperty("status").GetString());
        Assert.NotEqual("submitted", newest.GetProperty("status").GetString());

        // its current step and holder too (carried by the event from the commit that raised it, not read back)
        AssertStepAndHolderOf(detail, newest);
    }

    /// <summary>The change names the item's latest opened step and the one organisation holding its open tasks, as its detail does.</summary>
    private static void AssertStepAndHolderOf(System.Text.Json.Nodes.JsonObject detail, JsonElement change)
    {
        var open = detail["currentSteps"]!.AsArray();
        var latest = open.Max(s => s!["openedUtc"]!.GetValue<DateTime>());
        Assert.Contains(change.GetProperty("currentStep").GetString(),
            open.Where(s => s!["openedUtc"]!.GetValue<DateTime>() == latest).Select(s => s!["step"]!.GetValue<string>()));
        var holders = open.Select(s => s!["holderOrganisationId"]?.GetValue<string>()).ToList();
        var holder = holders.Distinct().Count() == 1 && holders[0] is { } one ? one : null;
        Assert.Equal(holder, change.GetProperty("holder").GetString());
    }

    [Fact]
    public async Task An_event_written_before_events_carried_the_items_state_is_fed_with_the_state_read_from_the_item()
    {
        var item = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.JointTask());
        var detail = await app.ItemAsync(DemoUsers.CommunitySecretary, item);
        var stream = $"item:{item:D}";
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        await ChangeAsync(client, stream, c => !string.IsNullOrEmpty(c.GetProperty("currentStep").GetString())); // its task is assigned

        // as an older build's items outbox wrote it: no State
        var legacy = new ItemStatusChanged(item, detail["allianceId"]!.GetValue<Guid>(), [], 1_000, null, "legacy");
        Assert.Null(legacy.State);
        await app.Services.GetRequiredService<IBus>().Publish(legacy);

        var fed = await ChangeAsync(client, stream, c => c.GetProperty("itemSequence").GetInt64() == 1_000);
        Assert.Equal("legacy", fed.GetProperty("status").GetString());
        AssertStepAndHolderOf(await app.ItemAsync(DemoUsers.CommunitySecretary, item), fed); // read from the item when fed
    }

    /// <summary>The newest <c>ItemChanged</c> of <paramref name="stream"/> that matches, once one does.</summary>
    private static async Task<JsonElement> ChangeAsync(HttpClient client, string stream, Func<JsonElement, bool> matches)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}/events?after=0", deadline.Token);
            var changes = page.GetProperty("events").EnumerateArray()
                .Where(e => e.GetProperty("kind").GetString() == "ItemChanged").Select(e => e.GetProperty("data")).Where(matches).ToList();
            if (changes.Count > 0)
            {
                return changes[^1];
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    [Fact]
    public async Task An_urgent_item_is_raised_to_the_member_units_the_moment_it_is_submitted()
    {
        var alliance = DemoRegion.CommunityAlliance(1).Value;
        await using var member = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.SeveralRoles));
        var raised = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        member.On<JsonElement>("UrgentRaised", e => raised.TrySetResult(e));
        var head = (await WatchAsync(member, $"alliance:{alliance:D}")).Head;

        var item = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.Item("urgent", "安全", days: 1, title: "暴雨导致地下车库进水"));

        var urgent = await raised.Task.WaitAsync(Patience);
        Assert.Equal(item, urgent.GetProperty("itemId").GetGuid());
        Assert.Equal(alliance, urgent.GetProperty("allianceId").GetGuid());
        Assert.Equal("暴雨导致地下车库进水", urgent.GetProperty("title").GetString());
        Assert.True(urgent.GetProperty("sequence").GetInt64() > head);
    }

    private static void ListenToItems(HubConnection connection, List<JsonElement> pushed)
    {
        foreach (var method in new[] { "ItemChanged", "TaskAssigned", "TaskClaimed", "UrgentRaised", "Overdue", "Escalated" })
        {
            connection.On<JsonElement>(method, e =>
            {
                lock (pushed)
                {
                    pushed.Add(e);
                }
            });
        }
    }
}
